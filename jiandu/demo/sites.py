"""Sites of the demo: the places the article names, and the 97 communities and 187 tent sites the
驻省应急管理厅组 checked (帐篷5402个 in 长春市's districts and development zones). Deterministic."""

from jiandu.organizations.enums import SiteType

DISTRICTS = [
    "U-CC-NG",
    "U-CC-KC",
    "U-CC-CY",
    "U-CC-ED",
    "U-CC-LY",
    "U-CC-SY",
    "U-CC-JT",
    "U-CC-XQ",
    "U-CC-JK",
    "U-CC-NK",
]
DISTRICT_NAMES = {
    "U-CC-NG": "南关区",
    "U-CC-KC": "宽城区",
    "U-CC-CY": "朝阳区",
    "U-CC-ED": "二道区",
    "U-CC-LY": "绿园区",
    "U-CC-SY": "双阳区",
    "U-CC-JT": "九台区",
    "U-CC-XQ": "长春新区",
    "U-CC-JK": "经开区",
    "U-CC-NK": "净月区",
}
COMMUNITY_NAMES = [
    "永兴",
    "福安",
    "新华",
    "明珠",
    "东风",
    "光明",
    "和平",
    "幸福",
    "长青",
    "民康",
    "繁荣",
    "春城",
    "友谊",
    "安达",
    "曙光",
    "红旗",
    "建设",
    "胜利",
    "兴华",
    "锦绣",
    "阳光",
    "富民",
    "清华",
    "惠民",
    "翠湖",
    "南湖",
    "北湖",
    "东盛",
    "西安",
    "吉林",
    "自由",
    "解放",
    "人民",
    "同志",
    "延安",
    "开运",
    "重庆",
    "桂林",
    "湖西",
    "硅谷",
]
TENT_TOTAL = 5402  # 长春市所属县(市)区、开发区共有防疫帐篷5402个
COMMUNITIES = 97  # 累计抽查97个社区
TENT_SITES = 187  # 187个帐篷设置点


def community_sites() -> list[dict]:
    sites = []
    for i in range(COMMUNITIES):
        district = DISTRICTS[i % len(DISTRICTS)]
        base = COMMUNITY_NAMES[i % len(COMMUNITY_NAMES)]
        suffix = "" if i < len(COMMUNITY_NAMES) else ("二" if i < 2 * len(COMMUNITY_NAMES) else "三")
        name = f"{DISTRICT_NAMES[district]}{base}{suffix}社区"
        sites.append(
            {
                "code": f"CC-SQ-{i + 1:03d}",
                "site_type": SiteType.COMMUNITY,
                "name": name,
                "address": f"吉林省长春市{DISTRICT_NAMES[district]}{base}路{(i * 7) % 300 + 1}号",
                "responsible_org": district,
                "attributes": {"households": 1800 + (i * 137) % 2600, "population": 5200 + (i * 389) % 7800},
            }
        )
    return sites


def tent_sites(communities: list[dict]) -> list[dict]:
    """187 tent sites: every community has one at its east gate, the first 90 a second at the west gate.
    Tents are spread so that they add up to 5402."""
    sites = []
    for gate in ("东门", "西门"):
        for c in communities:
            if len(sites) == TENT_SITES:
                break
            sites.append(
                {
                    "code": f"CC-ZP-{len(sites) + 1:03d}",
                    "site_type": SiteType.TENT_SITE,
                    "name": f"{c['name']}{gate}防疫帐篷设置点",
                    "address": c["address"] + gate,
                    "responsible_org": c["responsible_org"],
                    "attributes": {},
                }
            )
    base, extra = divmod(TENT_TOTAL, TENT_SITES)
    for i, s in enumerate(sites):
        tents = base + (1 if i < extra else 0)
        s["attributes"] = {"tent_count": tents, "quilt_count": tents * 2}
    return sites


NAMED_SITES = [
    # 驻省商务厅组: 4月28日、29日 6家大型商超和某批发市场
    (
        "SW-SC-01",
        SiteType.MARKET,
        "沃尔玛超市（临河街店）",
        "长春市南关区临河街",
        "U-WALMART-LHJ",
        {"market_kind": "大型商超", "area_m2": 12000},
        (125.335, 43.862),
    ),
    (
        "SW-SC-02",
        SiteType.MARKET,
        "欧亚卖场",
        "长春市朝阳区开运街5178号",
        "D-SWT",
        {"market_kind": "大型商超", "area_m2": 500000},
        (125.289, 43.866),
    ),
    (
        "SW-SC-03",
        SiteType.MARKET,
        "欧亚商都",
        "长春市朝阳区工农大路1128号",
        "D-SWT",
        {"market_kind": "大型商超", "area_m2": 180000},
        (125.303, 43.871),
    ),
    (
        "SW-SC-04",
        SiteType.MARKET,
        "大润发（长春南关店）",
        "长春市南关区亚泰大街",
        "D-SWT",
        {"market_kind": "大型商超", "area_m2": 20000},
        None,
    ),
    (
        "SW-SC-05",
        SiteType.MARKET,
        "华润万家（红旗街店）",
        "长春市朝阳区红旗街",
        "D-SWT",
        {"market_kind": "大型商超", "area_m2": 15000},
        None,
    ),
    (
        "SW-SC-06",
        SiteType.MARKET,
        "家乐福（重庆路店）",
        "长春市朝阳区重庆路",
        "D-SWT",
        {"market_kind": "大型商超", "area_m2": 16000},
        None,
    ),
    (
        "SW-PF-01",
        SiteType.MARKET,
        "长春市某农产品批发市场",
        "长春市绿园区",
        "D-SWT",
        {"market_kind": "批发市场", "area_m2": 90000},
        None,
    ),
    # 驻省工信厅组: 3月27日 上药集团云顶街库房
    (
        "GX-CK-01",
        SiteType.WAREHOUSE,
        "上药集团云顶街库房（省工信厅疫情防控物资仓库）",
        "长春市朝阳区云顶街",
        "U-SYYD",
        {"goods": "防疫物资", "capacity_m2": 8000},
        (125.262, 43.833),
    ),
    # 驻省卫健委组: 4月28日 一汽集团复工复产专班
    (
        "WJ-QY-01",
        SiteType.ENTERPRISE,
        "中国第一汽车集团有限公司",
        "长春市绿园区东风大街8899号",
        "U-FAW",
        {"industry": "汽车制造", "employees": 120000},
        (125.217, 43.852),
    ),
    (
        "WJ-YY-01",
        SiteType.HOSPITAL,
        "吉林省人民医院",
        "长春市朝阳区工农大路1183号",
        "D-WJW",
        {"level": "三级甲等", "beds": 3000},
        None,
    ),
    (
        "WJ-YY-02",
        SiteType.HOSPITAL,
        "吉林大学第一医院",
        "长春市朝阳区新民大街1号",
        "D-WJW",
        {"level": "三级甲等", "beds": 6500},
        None,
    ),
    ("WJ-YY-03", SiteType.HOSPITAL, "长春市传染病医院", "长春市二道区", "D-WJW", {"level": "三级", "beds": 900}, None),
    # 驻省公安厅组: 4月3日 二道区长新街交通卡点
    (
        "GA-KD-01",
        SiteType.CHECKPOINT,
        "二道区长新街交通卡点",
        "长春市二道区长新街",
        "U-CC-ED",
        {"road": "长新街"},
        None,
    ),
    # 驻省农业农村厅组: 4月14日 双阳区奢岭街道种子化肥销售点
    (
        "NY-QY-01",
        SiteType.ENTERPRISE,
        "奢岭街道种子化肥销售点",
        "长春市双阳区奢岭街道",
        "U-CC-SY-SL",
        {"industry": "农资销售", "employees": 12},
        None,
    ),
    (
        "NY-RX-01",
        SiteType.HOTLINE,
        "12316新农村热线",
        "吉林省农业农村厅",
        "D-NYNCT",
        {"phone": "12316", "service_hours": "8:00-17:00"},
        None,
    ),
    (
        "NY-RX-02",
        SiteType.HOTLINE,
        "长春市备春耕服务热线",
        "长春市",
        "U-CC",
        {"phone": "0431-12316", "service_hours": "8:00-20:00"},
        None,
    ),
    (
        "ZS-RX-01",
        SiteType.HOTLINE,
        "12345政务服务便民热线",
        "吉林省政数局",
        "D-ZSJ",
        {"phone": "12345", "service_hours": "全天"},
        None,
    ),
    # 驻省生态环境厅组: 高校、宾馆隔离点、隔离小区
    (
        "ST-GL-01",
        SiteType.QUARANTINE_SITE,
        "长春市某宾馆集中隔离点",
        "长春市南关区",
        "U-CC-NG",
        {"rooms": 260, "operator": "南关区疫情防控指挥部"},
        None,
    ),
    (
        "ST-GL-02",
        SiteType.QUARANTINE_SITE,
        "长春市某高校隔离宿舍",
        "长春市二道区",
        "U-CC-ED",
        {"rooms": 400, "operator": "二道区疫情防控指挥部"},
        None,
    ),
    (
        "ST-GL-03",
        SiteType.QUARANTINE_SITE,
        "宽城区某隔离小区",
        "长春市宽城区",
        "U-CC-KC",
        {"rooms": 1200, "operator": "宽城区疫情防控指挥部"},
        None,
    ),
    (
        "JY-XX-01",
        SiteType.SCHOOL,
        "长春师范大学",
        "长春市二道区长吉北线677号",
        "U-CCSFDX",
        {"school_level": "普通本科", "students": 19000},
        None,
    ),
    (
        "SG-QY-01",
        SiteType.ENTERPRISE,
        "泉阳泉饮品公司",
        "吉林省白山市抚松县泉阳镇",
        "U-QYQ",
        {"industry": "饮品制造", "employees": 900},
        None,
    ),
]


def all_sites() -> list[dict]:
    communities = community_sites()
    named = [
        {
            "code": code,
            "site_type": t,
            "name": name,
            "address": address,
            "responsible_org": org,
            "attributes": attrs,
            "longitude": coords[0] if coords else None,
            "latitude": coords[1] if coords else None,
        }
        for code, t, name, address, org, attrs, coords in NAMED_SITES
    ]
    return named + communities + tent_sites(communities)
