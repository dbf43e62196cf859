from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from goldenthread.accounts.api_tokens import ApiToken
from goldenthread.accounts.models import Membership, RoleChange
from goldenthread.accounts.signin import record
from goldenthread.audit.admin import HistoryReadOnlyAdmin, ReadOnlyMixin
from goldenthread.formatting import date_time


@admin.register(Membership)
class MembershipAdmin(HistoryReadOnlyAdmin):
    list_display = ("user", "plan", "org_unit")
    list_filter = ("plan",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "org_unit__name")
    raw_id_fields = ("org_unit",)


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every change to anyone's roles: read-only, searchable by account and by who made it."""

    list_display = ("when", "account", "what", "before", "after", "actor")
    list_filter = ("what",)
    search_fields = ("account", "actor")
    date_hierarchy = "when"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Everyone's API tokens by their non-secret prefix, with their last use; an administrator
    revokes any of them (the action), as ``goldenthread token revoke`` does. A token's secret is
    never held, so never shown; tokens are made only by their owner (their account's page)."""

    list_display = ("shown", "user", "name", "scope", "created", "expires", "last_used", "last_used_from", "state")
    list_filter = ("scope",)
    search_fields = ("user__username", "name", "prefix")
    exclude = ("secret_hash",)
    actions = ["revoke"]

    @admin.display(description="Token")
    def shown(self, obj: ApiToken) -> str:
        return f"gt_{obj.prefix}_…"

    @admin.display(description="State")
    def state(self, obj: ApiToken) -> str:
        return obj.state()

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset) -> None:
        revoked = 0
        for token in queryset.select_related("user"):
            if token.revoke():
                revoked += 1
                by = request.user.get_username()
                record("API token revoked", token.user.get_username(), request, token=token.prefix, by=by)
        self.message_user(
            request, f"{revoked} token{'' if revoked == 1 else 's'} revoked; any already revoked stay so."
        )

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_superuser


User = get_user_model()


class AuditedUserAdmin(UserAdmin):
    """The user page shows the account's role changes: who, when, before and after."""

    readonly_fields = (*UserAdmin.readonly_fields, "role_changes")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Role changes (audit trail)", {"fields": ("role_changes",)}))

    @admin.display(description="Role changes")
    def role_changes(self, obj) -> str:
        rows = RoleChange.objects.filter(account_number=obj.pk)[:50] if obj is not None and obj.pk else []
        if not rows:
            return "No role changes recorded."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((date_time(r.when, seconds=True), r.get_what_display(), r.before, r.after, r.actor) for r in rows),
        )
        head = "<tr><th>When</th><th>What</th><th>Before</th><th>After</th><th>Who</th></tr>"
        return format_html("<table>{}{}</table>", mark_safe(head), body)  # noqa: S308 (constant markup)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
