"""The administrators' page for loading a year's official holiday schedule.

The schedule is a core model, but loading it recomputes case clocks, which live above core;
so its admin lives here, beside the clock job.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.core.errors import ConcordError
from concord.core.models import HolidaySchedule

from .holidays import holiday_schedule_load, parse_schedule


class ScheduleUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Schedule file (.json or .csv)"),
        help_text=gettext_lazy(
            "JSON shaped like the shipped schedule, or CSV with the columns date, type "
            "(holiday or working_day) and name."
        ),
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1990)
    source = forms.CharField(
        label=gettext_lazy("Notice it comes from"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("E.g. 国务院办公厅关于2027年部分节假日安排的通知"),
    )


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "loaded_at"]
    change_list_template = "admin/core/holidayschedule/change_list.html"

    def has_add_permission(self, request):
        return False  # schedules come in whole, through the load page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "load/",
                self.admin_site.admin_view(self.load_view),
                name="core_holidayschedule_load",
            ),
            *super().get_urls(),
        ]

    def load_view(self, request):
        form = ScheduleUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            try:
                schedule = parse_schedule(
                    upload.read(),
                    fmt=fmt,
                    year=form.cleaned_data.get("year"),
                    source=form.cleaned_data.get("source") or "",
                )
                report = holiday_schedule_load(actor=request.user, schedule=schedule)
            except ConcordError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "The %(year)d schedule is loaded: %(holidays)d holidays, %(working)d "
                        "adjusted working days; %(recomputed)d provisional deadlines recomputed, "
                        "%(moved)d moved and their owners told."
                    )
                    % {
                        "year": report.year,
                        "holidays": report.holidays,
                        "working": report.working_days,
                        "recomputed": report.recomputed,
                        "moved": len(report.moved),
                    },
                )
                return redirect("admin:core_holidayschedule_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Load a year's holiday schedule"),
        }
        return render(request, "admin/core/holidayschedule/load.html", context)
