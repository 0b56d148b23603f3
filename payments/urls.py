from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    # Participants, at their registration's private link.
    path("payments/<str:token>/pay/", views.pay, name="pay"),
    path("payments/<str:token>/paid/", views.paid, name="paid"),
    path("payments/<str:token>/not-paid/", views.not_paid, name="not_paid"),
    # Stripe
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    # Organisers
    path("events/<slug:slug>/payments/", views.payment_list, name="list"),
    path("events/<slug:slug>/payments.csv", views.payments_csv, name="csv"),
    path("events/<slug:slug>/payments/settings/", views.payment_settings, name="settings"),
    path("events/<slug:slug>/payments/<int:pk>/refund/", views.refund, name="refund"),
]
