from django.urls import path

from goldenthread.web.views.cycle import history, public, reviews, running, updates, work

app_name = "cycles"

# a unit's code may hold "/" (north/east): the longer addresses come before the unit's own page
UNIT = "plans/<str:code>/periods/<slug:period>/units/<path:unit>/"

urlpatterns = [
    path("work/", work.my_work, name="my_work"),
    path("cycle/", work.cycles, name="cycles"),
    path("updates/", updates.my_updates, name="my_updates"),
    path("actions/", reviews.actions, name="actions"),
    path("actions/<int:pk>/", work.action, name="action"),
    path("actions/<int:pk>/close/", reviews.action_close, name="action_close"),
    path("overdue/", running.overdue, name="overdue"),
    path("plans/<str:code>/cycle/", running.plan_cycle, name="plan_cycle"),
    path("plans/<str:code>/publish/", running.publish, name="publish"),
    path("plans/<str:code>/periods/<slug:period>/", running.period, name="period"),
    path("plans/<str:code>/periods/<slug:period>/dates/", running.period_edit, name="period_edit"),
    path("plans/<str:code>/periods/<slug:period>/remind/", running.remind, name="remind"),
    path(UNIT + "review/edit/", reviews.review_edit, name="review_edit"),
    path(UNIT + "review/", reviews.review, name="review"),
    path(UNIT + "update/", updates.submission_edit, name="submission_edit"),
    path(UNIT, updates.submission, name="submission"),
    path("history/<str:kind>/<int:pk>/", history.history, name="history"),
    path("public/", public.public_home, name="public_home"),
    path("public/plans/<str:code>/", public.public_plan, name="public_plan"),
    path("public/plans/<str:code>/<slug:period>/", public.public_period, name="public_period"),
    path("public/plans/<str:code>/<slug:period>/scorecard/", public.public_scorecard, name="public_scorecard"),
]
