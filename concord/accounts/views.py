"""The second factor: enrol a TOTP authenticator, then confirm a code after each sign-in."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from concord.core.ledger import append_event

from .enrolment import enrolment_device
from .twofactor import is_staff_user


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


ENROLMENT_SESSION_KEY = "second_factor_enrolment_device"


def _enrolling_device(request):
    """Return the unconfirmed device an enrolment link opened in this session, or None."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()


@require_GET
@login_required
def second_factor_enrol(request):
    """Open the enrolment an administrator's link grants, then show the key on the 2FA page."""
    if not is_staff_user(request.user):
        raise Http404
    device = enrolment_device(user=request.user, token=request.GET.get("link", ""))
    if device is None:
        return render(
            request, "accounts/second_factor.html", {"needs_link": True, "bad_link": True}
        )
    request.session[ENROLMENT_SESSION_KEY] = device.pk
    return redirect("second_factor")


@login_required
def second_factor(request):
    """Enrol (with an administrator's link) or confirm a TOTP code, then continue to `next`."""
    if not is_staff_user(request.user):
        raise Http404  # residents have no second factor: nothing to enrol
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by(
        "pk"
    ).first() or _enrolling_device(request)
    if device is None:
        # The password alone does not bind an authenticator: an administrator's link does.
        return render(request, "accounts/second_factor.html", {"needs_link": True})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.name = "authenticator"
                device.save(update_fields=["confirmed", "name"])
                request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            append_event(
                stream=f"user:{request.user.pk}",
                kind="second_factor_confirmed",
                actor=request.user,
                data={"device": device.pk},
            )
            target = request.GET.get("next") or "/staff/"
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/staff/"
            return redirect(target)
        form.add_error(
            "token", _("That code is not valid; check the time on your phone and retry.")
        )
    context = {"form": form, "enrolling": not device.confirmed}
    if not device.confirmed:
        from base64 import b32encode

        context["secret"] = b32encode(device.bin_key).decode()
        context["config_url"] = device.config_url
    return render(request, "accounts/second_factor.html", context)


@login_required
def second_factor_qr(request):
    """The QR code of the signed-in user's unconfirmed authenticator key, as an SVG image."""
    import io

    import segno

    device = _enrolling_device(request)
    if device is None:
        raise Http404
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=4)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"  # it carries the secret key
    return response


class SignInView(auth_views.LoginView):
    """The password sign-in: staff go on to their queue, resident accounts to My matters."""

    template_name = "web/login.html"

    def get_default_redirect_url(self):
        user = getattr(self.request, "user", None)
        return "/me/" if getattr(user, "kind", "") == "resident" else "/staff/"

    def get_success_url(self):
        # A resident is never sent on to a staff page named in `next`.
        url = super().get_success_url()
        if getattr(self.request.user, "kind", "") == "resident" and url.startswith("/staff/"):
            return "/me/"
        return url
