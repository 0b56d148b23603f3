from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from accounts.models import User
from accounts.security import cool_off_seconds


class MembershipBriefSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    role = serializers.CharField(read_only=True)


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipBriefSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["email", "full_name", "preferred_language", "memberships"]
        read_only_fields = ["email"]


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        user = authenticate(
            self.context.get("request"), username=attrs["email"], password=attrs["password"]
        )
        if user is None and getattr(self.context.get("request"), "axes_locked_out", False):
            # Too many failures for this address from this client (django-axes): 429.
            raise exceptions.Throttled(wait=cool_off_seconds(self.context.get("request")))
        if user is None:
            # The same answer for an unknown address and a wrong password: nothing leaks.
            raise serializers.ValidationError(
                _("Unable to log in with these credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
