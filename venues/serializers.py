"""Venues in the REST API. The owning organisation's slug is added by the events app's API,
which resolves it: this app imports no other app of ours."""

from decimal import Decimal

from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from venues.models import Feature, Venue

FeatureList = serializers.ListField(child=serializers.ChoiceField(choices=Feature.choices))


class VenueSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    country = CountryField()
    features = serializers.SerializerMethodField()
    map_url = serializers.URLField(read_only=True)
    notes = serializers.SerializerMethodField(
        help_text="Internal notes; null unless you belong to the owning organisation."
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:venue-detail")

    class Meta:
        model = Venue
        fields = [
            "id",
            "url",
            "organisation",
            "organisation_name",
            "name",
            "address",
            "city",
            "postcode",
            "country",
            "timezone",
            "latitude",
            "longitude",
            "capacity",
            "features",
            "map_url",
            "notes",
        ]
        read_only_fields = fields

    @extend_schema_field(FeatureList)
    def get_features(self, venue) -> list[str]:
        return venue.feature_codes

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_notes(self, venue) -> str | None:
        # Notes are the owner's working space (door codes, contacts): members only.
        members_of = self.context.get("member_organisation_ids", frozenset())
        return venue.notes if venue.organisation_id in members_of else None


class VenueSummarySerializer(serializers.ModelSerializer):
    """A venue as shown inside a programme session."""

    country = CountryField()

    class Meta:
        model = Venue
        fields = ["id", "name", "city", "country", "timezone"]
        read_only_fields = fields


class CoordinateField(serializers.DecimalField):
    """Degrees. Finer than six decimals (about 10 cm) is rounded by the service, not refused."""

    def __init__(self, limit: int, **kwargs):
        super().__init__(
            max_digits=None,
            decimal_places=None,
            min_value=Decimal(-limit),
            max_value=Decimal(limit),
            required=False,
            allow_null=True,
            **kwargs,
        )


class VenueInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300)
    city = serializers.CharField(max_length=120)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = CountryField()
    timezone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="IANA zone, e.g. Europe/Lisbon. Optional where the country has a single zone.",
    )
    latitude = CoordinateField(90)
    longitude = CoordinateField(180)
    capacity = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    features = serializers.ListField(
        child=serializers.ChoiceField(choices=Feature.choices), required=False
    )
