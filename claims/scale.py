"""The default rating scale, installed by a data migration; newsrooms edit ratings in the admin afterwards.

Numeric values order the scale (ClaimReview's bestRating/worstRating come from the highest and lowest);
Misleading and Unproven have no place on the true-false axis, so they carry no value.
"""

# slug, label, value, colour, description
DEFAULT_SCALE: tuple[tuple[str, str, float | None, str, str], ...] = (
    ("true", "True", 5.0, "#2e7d32", "The statement is accurate and nothing significant is missing."),
    (
        "mostly-true",
        "Mostly true",
        4.0,
        "#7cb342",
        "The statement is accurate but needs clarification or additional information.",
    ),
    (
        "half-true",
        "Half true",
        3.0,
        "#fbc02d",
        "Partially accurate, but leaves out important details or takes things out of context.",
    ),
    (
        "mostly-false",
        "Mostly false",
        2.0,
        "#f57c00",
        "Contains an element of truth but ignores facts that would give a different impression.",
    ),
    ("false", "False", 1.0, "#c62828", "The statement is not accurate."),
    (
        "misleading",
        "Misleading",
        None,
        "#8e24aa",
        "Accurate facts presented so as to leave a false impression.",
    ),
    ("unproven", "Unproven", None, "#757575", "The available evidence neither confirms nor refutes it."),
)


def install_default_scale(apps) -> None:
    """Create the default ratings that are missing (by slug); existing ratings are left as edited."""
    rating_model = apps.get_model("claims", "Rating")
    for order, (slug, label, value, colour, description) in enumerate(DEFAULT_SCALE, start=1):
        rating_model.objects.get_or_create(
            slug=slug,
            defaults={
                "label": label,
                "value": value,
                "colour": colour,
                "description": description,
                "order": order,
            },
        )
