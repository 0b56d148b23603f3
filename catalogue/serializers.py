from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.models import Action, Field


class ActionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        read_only=True, help_text="In the request's language (Accept-Language)."
    )
    summary = serializers.CharField(read_only=True)
    who_may_apply = serializers.CharField(read_only=True)
    family_label = serializers.CharField(source="get_family_display", read_only=True)
    served_fields = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:action-detail", lookup_field="slug")

    class Meta:
        model = Action
        fields = [
            "slug",
            "url",
            "family",
            "family_label",
            "name",
            "summary",
            "who_may_apply",
            "served_fields",
            "is_grant",
            "guide_url",
        ]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=Field.choices))
    )
    def get_served_fields(self, action) -> list[str]:
        return action.field_codes
