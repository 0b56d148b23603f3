from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Invitation, Membership, Organisation, OrganisationKind, Role
from events.sports import Sport

SportList = serializers.ListField(child=serializers.ChoiceField(choices=Sport.choices))


class OrganisationSerializer(serializers.ModelSerializer):
    country = CountryField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    sports = serializers.SerializerMethodField()
    can_lead_events = serializers.BooleanField(read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "url",
            "name",
            "country",
            "kind",
            "kind_label",
            "can_lead_events",
            "website",
            "description",
            "looking_for_partners",
            "partner_interests",
            "sports",
        ]

    @extend_schema_field(SportList)
    def get_sports(self, organisation) -> list[str]:
        return organisation.sport_codes


class OrganisationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    country = CountryField()
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    website = serializers.URLField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    looking_for_partners = serializers.BooleanField(required=False, default=False)
    partner_interests = serializers.CharField(required=False, allow_blank=True, default="")
    sports = serializers.ListField(
        child=serializers.ChoiceField(choices=Sport.choices), required=False, default=list
    )


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.ORGANISER)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at"]
