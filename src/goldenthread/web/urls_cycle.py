from django.urls import path

from goldenthread.web.views import cycle as views

app_name = "cycles"

UNIT = "plans/<str:code>/periods/<slug:period>/units/<str:unit>/"

urlpatterns = [
    path("updates/", views.my_updates, name="my_updates"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("overdue/", views.overdue, name="overdue"),
    path("plans/<str:code>/cycle/", views.plan_cycle, name="plan_cycle"),
    path("plans/<str:code>/publish/", views.publish, name="publish"),
    path("plans/<str:code>/periods/<slug:period>/", views.period, name="period"),
    path("plans/<str:code>/periods/<slug:period>/dates/", views.period_edit, name="period_edit"),
    path("plans/<str:code>/periods/<slug:period>/remind/", views.remind, name="remind"),
    path(UNIT, views.submission, name="submission"),
    path(UNIT + "update/", views.submission_edit, name="submission_edit"),
    path(UNIT + "review/", views.review, name="review"),
    path(UNIT + "review/edit/", views.review_edit, name="review_edit"),
    path("history/<str:kind>/<int:pk>/", views.history, name="history"),
    path("public/", views.public_home, name="public_home"),
    path("public/plans/<str:code>/", views.public_plan, name="public_plan"),
    path("public/plans/<str:code>/<slug:period>/", views.public_period, name="public_period"),
]
