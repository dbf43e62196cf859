from django.urls import path

from goldenthread.web.views import upload as views

app_name = "performance"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/<str:code>/template.csv", views.template, name="upload_template"),
]
