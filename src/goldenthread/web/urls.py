from django.contrib.auth import views as auth_views
from django.urls import path

from goldenthread.web.views import plans as views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
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
