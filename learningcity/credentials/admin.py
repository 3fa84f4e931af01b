"""Back-office views of credentials, for site admins. Issued credentials, keys and
status lists are read-only here: they change only through the services (signing,
revoking, rotating), and a private key is never shown, even sealed."""

from django.contrib import admin

from .models import Achievement, IssuedCredential, IssuerKey, Qualification, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["position", "code", "title", "kind", "credit", "language", "cefr_level"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "city", "awarding_body", "isced_level", "eqf_level"]
    list_filter = ["city", "isced_level"]
    search_fields = ["title", "code", "awarding_body"]
    inlines = [UnitInline]


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "basis", "attendance_threshold"]
    list_filter = ["basis"]
    search_fields = ["name"]


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(admin.ModelAdmin):
    list_display = ["public_id", "achievement", "issued_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = [field.name for field in IssuedCredential._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):
    list_display = ["did", "provider", "created_at", "retired_at"]
    fields = ("did", "provider", "city", "created_at", "retired_at")
    readonly_fields = ("did", "provider", "city", "created_at", "retired_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
