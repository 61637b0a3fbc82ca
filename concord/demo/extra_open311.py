"""Demo content of the Open311 server: a client key, an address register, a few app requests."""

from __future__ import annotations

import datetime
import random

from concord.open311.actions import RequestInput, api_key_issue, api_key_use, service_request_create
from concord.open311.models import Address, RequestType, ServiceProfile
from concord.places.models import Level, Place

# (service code, description, attributes): services a resident's phone app would use.
DEMO_REQUESTS = [
    ("CM01.02.004", "小区门口路灯不亮，晚上很黑", {"facility_type": ["streetlight"]}),
    (
        "CM01.02.004",
        "人行道井盖松动，踩上去会翻",
        {"facility_type": ["manhole"], "dangerous": ["yes"]},
    ),
    ("CM01.02.014", "垃圾桶满了好几天没人清运", {"waste_kind": ["household"]}),
    ("CM04.02.003", "工地晚上十一点后还在施工", {"noise_source": ["construction"]}),
    ("CM04.02.010", "河道有异味，水面发黑", {}),
    ("CM01.02.016", "整栋楼停水半天了", {"households_affected": ["40"]}),
    ("CM13.08.009", "楼道堆满杂物，堵住消防通道", {"location_detail": ["3号楼2单元"]}),
    ("CM01.03.002", "楼顶在加盖房子", {"details": ["上周开始施工，已有两层"]}),
]


def populate(*, seed: int, today: datetime.date) -> dict:
    """Add a demo API key, addresses for some villages and Open311 requests; return counts."""

    rng = random.Random(seed)
    root = Place.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:
        return {"open311_requests": 0}
    _, raw = api_key_issue(actor=None, name="Demo resident app", rate_limit_per_minute=600)
    ServiceProfile.objects.update_or_create(
        service_code="CM01.02.004",
        defaults={
            "request_type": RequestType.REALTIME,
            "keywords": "路灯,井盖,streetlight,manhole",
        },
    )
    villages = list(
        Place.objects.filter(
            level=Level.VILLAGE, path__startswith=root.path, centroid_lat__isnull=False
        ).order_by("code")[:10]
    )
    addresses = []
    for village in villages:
        for number in (1, 2):
            addresses.append(
                Address.objects.update_or_create(
                    address_id=f"A-{village.code}-{number}",
                    defaults={
                        "text": f"{village.name_zh}{number}号楼",
                        "place": village,
                        "lat": village.centroid_lat,
                        "lng": village.centroid_lng,
                    },
                )[0]
            )
    filed = 0
    for code, description, attributes in DEMO_REQUESTS:
        if not villages:
            break
        village = rng.choice(villages)
        location = (
            {"address_id": f"A-{village.code}-{rng.choice((1, 2))}"}
            if rng.random() < 0.5
            else {"lat": str(village.centroid_lat), "long": str(village.centroid_lng)}
        )
        service_request_create(
            key=api_key_use(raw=raw),
            root=root,
            data=RequestInput(
                service_code=code, description=description, attributes=attributes, **location
            ),
            language="zh-hans",
        )
        filed += 1
    return {
        "open311_api_key": raw,
        "open311_addresses": len(addresses),
        "open311_requests": filed,
        "open311_as_of": today.isoformat(),
    }
