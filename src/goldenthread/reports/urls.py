from django.urls import path

from goldenthread.reports import views

urlpatterns = [
    path("plans/<str:code>/reports/board.<str:fmt>", views.board, name="report-board"),
    path("plans/<str:code>/reports/directorate/<str:unit>.<str:fmt>", views.directorate, name="report-directorate"),
    path("plans/<str:code>/reports/summary.<str:fmt>", views.summary, name="report-summary"),
]
