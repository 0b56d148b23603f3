from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import PaymentSettings


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Why; the organisers see it, the participant does not."),
    )

    def __init__(self, *args, left: Decimal, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = left
        self.fields["amount"].help_text = _(
            "In %(currency)s; at most %(left)s. Less than that is a partial refund."
        ) % {"currency": currency, "left": left}


class PaymentSettingsForm(forms.ModelForm):
    class Meta:
        model = PaymentSettings
        fields = ["hold_minutes", "offer_hours"]
