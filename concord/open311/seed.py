"""Default service attributes, seeded by a data migration and editable in the admin afterwards."""

from __future__ import annotations

# (service_code, code, datatype, required, variable, zh, en, hint_zh, hint_en, values)
# values: (key, name_zh, name_en)
DEFAULT_ATTRIBUTES = [
    (
        "CM01.02.004",
        "facility_type",
        "singlevaluelist",
        True,
        True,
        "是什么设施？",
        "Which facility is it?",
        "",
        "",
        [
            ("streetlight", "路灯", "Streetlight"),
            ("manhole", "井盖", "Manhole cover"),
            ("bench", "座椅", "Bench"),
            ("sign", "路牌或标志", "Street sign"),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "CM01.02.004",
        "dangerous",
        "singlevaluelist",
        False,
        True,
        "是否危及行人或车辆安全？",
        "Does it endanger people or vehicles?",
        "",
        "",
        [("yes", "是", "Yes"), ("no", "否", "No")],
    ),
    (
        "CM01.02.014",
        "waste_kind",
        "multivaluelist",
        False,
        True,
        "是哪类垃圾？（可多选）",
        "What kind of waste? (choose any)",
        "",
        "",
        [
            ("household", "生活垃圾", "Household waste"),
            ("construction", "建筑垃圾", "Construction waste"),
            ("bulky", "大件垃圾", "Bulky items"),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "CM04.02.003",
        "noise_source",
        "singlevaluelist",
        True,
        True,
        "噪音来自哪里？",
        "Where does the noise come from?",
        "",
        "",
        [
            ("construction", "施工", "Construction work"),
            ("traffic", "交通", "Traffic"),
            ("business", "商铺或娱乐场所", "Shops or entertainment venues"),
            ("residential", "居民住宅", "Homes"),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "CM04.02.003",
        "noticed_at",
        "datetime",
        False,
        True,
        "什么时候听到的？",
        "When did you hear it?",
        "例如 2026-03-01T22:30:00+08:00",
        "For example 2026-03-01T22:30:00+08:00",
        [],
    ),
    (
        "CM01.02.016",
        "households_affected",
        "number",
        False,
        True,
        "大约有多少户受影响？",
        "About how many households are affected?",
        "一个数字",
        "A number",
        [],
    ),
    (
        "CM13.08.009",
        "emergency_notice",
        "string",
        False,
        False,
        "正在发生火灾请立即拨打119。",
        "If there is a fire now, call 119 at once.",
        "",
        "",
        [],
    ),
    (
        "CM13.08.009",
        "location_detail",
        "string",
        False,
        True,
        "具体位置（楼栋、楼层、通道）",
        "Exact spot (building, floor, passage)",
        "",
        "",
        [],
    ),
    (
        "CM01.03.002",
        "details",
        "text",
        False,
        True,
        "请描述建设情况（规模、开始时间等）",
        "Describe the construction (size, when it started …)",
        "",
        "",
        [],
    ),
]


def load_default_attributes(attribute_model, value_model) -> int:
    """Create the default attributes that do not exist yet; return how many were created."""
    created = 0
    order_by_service: dict[str, int] = {}
    for (
        service,
        code,
        datatype,
        required,
        variable,
        zh,
        en,
        hint_zh,
        hint_en,
        values,
    ) in DEFAULT_ATTRIBUTES:
        order_by_service[service] = order_by_service.get(service, 0) + 1
        attribute, made = attribute_model.objects.get_or_create(
            service_code=service,
            code=code,
            defaults={
                "datatype": datatype,
                "required": required,
                "variable": variable,
                "description_zh": zh,
                "description_en": en,
                "datatype_description_zh": hint_zh,
                "datatype_description_en": hint_en,
                "order": order_by_service[service],
            },
        )
        if made:
            created += 1
            value_model.objects.bulk_create(
                value_model(attribute=attribute, key=k, name_zh=vz, name_en=ve, order=i)
                for i, (k, vz, ve) in enumerate(values, start=1)
            )
    return created
