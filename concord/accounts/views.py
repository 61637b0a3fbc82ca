"""The second factor: enrol a TOTP authenticator, then confirm a code after each sign-in."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from concord.cases.audit import append_event

from .twofactor import is_staff_user


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def second_factor(request):
    """Enrol (first time) or confirm a TOTP code, then continue to `next`."""
    if not is_staff_user(request.user):
        raise Http404  # residents have no second factor: nothing to enrol
    device = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
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

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        raise Http404
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=4)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"  # it carries the secret key
    return response
