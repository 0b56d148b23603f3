import logging
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import tasks
from accounts.models import User

log = logging.getLogger(__name__)

# Each language in its own name ("Deutsch", "Türkçe"), as in the language switcher.
LOCAL_LANGUAGES = [
    (code, translation.get_language_info(code)["name_local"].capitalize())
    for code, _name in settings.LANGUAGES
]


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _(
                    "An account with this email address exists already. "
                    "Log in or reset the password."
                )
            )
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=LOCAL_LANGUAGES)

    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form (the same answer whether or not the address has an account); the email
    goes through a task and the outbox like every other, instead of from the request."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        try:
            tasks.send_password_reset_email.delay(
                context["user"].pk,
                uuid.uuid4().hex,
                domain=context["domain"],
                protocol=context["protocol"],
                language=translation.get_language(),
            )
        except Exception:
            # As Django's form does: the page looks the same whether or not an email went out.
            log.exception("Password reset email for user %s not sent", context["user"].pk)
