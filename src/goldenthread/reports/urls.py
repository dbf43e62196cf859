from django.urls import path

from goldenthread.reports import build_views, public_views, views

urlpatterns = [
    path("plans/<str:code>/reports/board.<str:fmt>", views.board, name="report-board"),
    path("plans/<str:code>/reports/directorate/<path:unit>.<str:fmt>", views.directorate, name="report-directorate"),
    path("plans/<str:code>/reports/summary.<str:fmt>", views.summary, name="report-summary"),
    # the board pack PDF built in the background (goldenthread.reports.jobs)
    path("plans/<str:code>/reports/builds/", build_views.start, name="report-build-start"),
    path("plans/<str:code>/reports/builds/<int:pk>/", build_views.progress, name="report-build"),
    path("plans/<str:code>/reports/builds/<int:pk>/download", build_views.download, name="report-build-file"),
    # open data of a published period, for anybody (goldenthread.reports.public_views)
    path(
        "public/plans/<str:code>/<slug:period>/open-data/<str:name>",
        public_views.open_data_file,
        name="public-open-data",
    ),
]
