from django.urls import path

from mediahub.accounts import views

app_name = "mfa"
urlpatterns = [
    path("", views.SecurityView.as_view(), name="security"),
    path("code/", views.VerifyView.as_view(), name="verify"),
    path("enrol/", views.EnrolView.as_view(), name="enrol"),
    path("remove/", views.RemoveView.as_view(), name="remove"),
]
