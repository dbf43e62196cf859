from django.contrib import admin

from goldenthread.accounts.models import Membership
from goldenthread.audit.admin import HistoryReadOnlyAdmin


@admin.register(Membership)
class MembershipAdmin(HistoryReadOnlyAdmin):
    list_display = ("user", "plan", "org_unit")
    list_filter = ("plan",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "org_unit__name")
    raw_id_fields = ("org_unit",)
