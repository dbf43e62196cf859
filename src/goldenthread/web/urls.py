from django.urls import path

from goldenthread.accounts import token_views
from goldenthread.accounts import views as account_views
from goldenthread.web.views import (
    governance,
    plan_change,
    plan_edit,
    plan_files,
    plan_from_document,
    second_factor,
    sso,
)
from goldenthread.web.views import governance_records as records
from goldenthread.web.views import plan_edit_acts as acts
from goldenthread.web.views import plans as views
from goldenthread.web.views import versions as version_views

MEETING = "plans/<str:code>/governance/meetings/<path:meeting>/"
ITEM = MEETING + "items/<int:item>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", sso.SignIn.as_view(), name="login"),
    path("accounts/logout/", sso.sign_out, name="logout"),
    path("accounts/sso/start/", sso.Start.as_view(), name="sso-start"),
    path("accounts/sso/callback/", sso.Callback.as_view(), name="sso-callback"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/password/done/", account_views.password_change_done, name="password_change_done"),
    path("accounts/two-step/", second_factor.enrol, name="otp-enrol"),
    path("accounts/api-tokens/", token_views.api_tokens, name="api-tokens"),
    path("accounts/api-tokens/<str:prefix>/revoke/", token_views.api_token_revoke, name="api-token-revoke"),
    path("accounts/two-step/code/", second_factor.verify, name="otp-verify"),
    path("plans/new/", plan_change.plan_new, name="plan-new"),
    path("plans/new/from-document/", plan_from_document.plan_from_document, name="plan-from-document"),
    path("plans/template.xlsx", plan_files.plan_template, name="plan-template"),
    path("plans/<str:code>/plan.<str:format>", plan_files.plan_download, name="plan-download"),
    path("plans/<str:code>/upload-plan/", plan_files.plan_upload, name="plan-upload"),
    path("plans/<str:code>/edit/", plan_edit.plan_edit, name="plan-edit"),
    path("plans/<str:code>/edit/plan/", plan_edit.plan_fields_edit, name="plan-fields-edit"),
    path("plans/<str:code>/edit/<str:section>/new/", plan_edit.element_new, name="plan-element-new"),
    path("plans/<str:code>/edit/<str:section>/<path:element>/move/", acts.element_move, name="plan-element-move"),
    path("plans/<str:code>/edit/<str:section>/<path:element>/retire/", acts.element_retire, name="plan-element-retire"),
    path("plans/<str:code>/edit/<str:section>/<path:element>/", plan_edit.element_edit, name="plan-element-edit"),
    path("plans/<str:code>/", views.plan_detail, name="plan"),
    path("plans/<str:code>/change/", plan_change.plan_change, name="plan-change"),
    path("plans/<str:code>/by-priority/", views.by_priority, name="plan-by-priority"),
    path("plans/<str:code>/by-directorate/", views.by_directorate, name="plan-by-directorate"),
    path("plans/<str:code>/matrix/", views.matrix, name="plan-matrix"),
    path("plans/<str:code>/deliverables/", views.deliverables, name="plan-deliverables"),
    path("plans/<str:code>/budgets/", views.budgets, name="plan-budgets"),
    path("plans/<str:code>/scorecard/", views.scorecard, name="scorecard"),
    path("plans/<str:code>/exceptions/", views.exceptions, name="exceptions"),
    path("plans/<str:code>/metrics/<path:metric_code>/", views.metric, name="metric"),
    path("plans/<str:code>/versions/", version_views.plan_versions, name="plan-versions"),
    path("plans/<str:code>/versions/compare/", version_views.plan_compare, name="plan-compare"),
    path("plans/<str:code>/versions/<int:number>/", version_views.plan_version, name="plan-version"),
    # governance (goldenthread.web.views.governance, governance_records): a code may hold "/", so the
    # longer addresses of a meeting come before its own page
    path("plans/<str:code>/governance/", governance.governance, name="plan-governance"),
    path("plans/<str:code>/governance/bodies/<path:body>/", governance.body, name="plan-body"),
    path(f"{ITEM}decision/", records.item_record, {"what": "decision"}, name="plan-meeting-decision"),
    path(f"{ITEM}action/", records.item_record, {"what": "action"}, name="plan-meeting-action"),
    path(f"{MEETING}decisions/<int:decision>/take-back/", records.take_back, name="plan-meeting-take-back"),
    path(f"{MEETING}minutes/publish/", records.publish, name="plan-meeting-publish"),
    path(f"{MEETING}minutes/", records.minutes, name="plan-meeting-minutes"),
    path(MEETING, governance.meeting, name="plan-meeting"),
    path("search/", views.search, name="search"),
]
