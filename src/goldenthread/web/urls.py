from django.urls import path

from goldenthread.accounts import views as account_views
from goldenthread.web.views import plans as views
from goldenthread.web.views import second_factor, sso

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", sso.SignIn.as_view(), name="login"),
    path("accounts/logout/", sso.sign_out, name="logout"),
    path("accounts/sso/start/", sso.Start.as_view(), name="sso-start"),
    path("accounts/sso/callback/", sso.Callback.as_view(), name="sso-callback"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/password/done/", account_views.password_change_done, name="password_change_done"),
    path("accounts/two-step/", second_factor.enrol, name="otp-enrol"),
    path("accounts/two-step/code/", second_factor.verify, name="otp-verify"),
    path("plans/<str:code>/", views.plan_detail, name="plan"),
    path("plans/<str:code>/by-priority/", views.by_priority, name="plan-by-priority"),
    path("plans/<str:code>/by-directorate/", views.by_directorate, name="plan-by-directorate"),
    path("plans/<str:code>/matrix/", views.matrix, name="plan-matrix"),
    path("plans/<str:code>/deliverables/", views.deliverables, name="plan-deliverables"),
    path("plans/<str:code>/budgets/", views.budgets, name="plan-budgets"),
    path("plans/<str:code>/scorecard/", views.scorecard, name="scorecard"),
    path("plans/<str:code>/exceptions/", views.exceptions, name="exceptions"),
    path("plans/<str:code>/metrics/<str:metric_code>/", views.metric, name="metric"),
    path("search/", views.search, name="search"),
]
