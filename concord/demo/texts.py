# ruff: noqa: E501 -- the templates are natural-language lines, easier to read unbroken.
"""Realistic case texts for the demo county: groups of categories with slot-filled templates.

Pure module (no Django import). Each group names the categories it stands for, its share of all
cases, its seasonal profile, the department that takes transfers of it, and 5–15 Chinese
templates (title, description) plus a few English ones. Slots such as {name}, {amount} and
{address} are filled per case so that no two texts read alike.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅玉兰志文海燕春林德福荣贵生金凤"
EN_SURNAMES = {
    "王": "Wang",
    "李": "Li",
    "张": "Zhang",
    "刘": "Liu",
    "陈": "Chen",
    "杨": "Yang",
    "黄": "Huang",
    "赵": "Zhao",
    "吴": "Wu",
    "周": "Zhou",
    "徐": "Xu",
    "孙": "Sun",
}
COMPANY_STEMS = [
    "宏达",
    "鑫源",
    "恒泰",
    "昌盛",
    "华宇",
    "永兴",
    "金鼎",
    "瑞丰",
    "嘉和",
    "天成",
    "盛世",
    "联创",
]
COMPANY_KINDS = [
    "建筑劳务有限公司",
    "建设工程有限公司",
    "服装厂",
    "食品有限公司",
    "物业服务有限公司",
    "机械制造有限公司",
    "家具厂",
    "物流有限公司",
    "石材加工厂",
    "农业开发有限公司",
]
SITE_NAMES = [
    "城南安置房二期项目",
    "工业园标准厂房项目",
    "滨河路改造工程",
    "县第三中学新校区项目",
    "人民医院住院楼项目",
    "商贸城三期项目",
    "污水处理厂配套管网工程",
    "溪畔花园小区项目",
]
ESTATES = [
    ("阳光", "Sunshine"),
    ("锦绣", "Splendour"),
    ("翠苑", "Jade Garden"),
    ("滨江", "Riverside"),
    ("馨园", "Fragrant Garden"),
    ("幸福里", "Happiness Lane"),
    ("御景", "Imperial View"),
    ("康城", "Wellness Town"),
]
ROADS = [
    ("人民路", "People's Road"),
    ("建设路", "Jianshe Road"),
    ("解放路", "Liberation Road"),
    ("滨河路", "Riverside Road"),
    ("文化路", "Culture Road"),
    ("新华路", "Xinhua Road"),
    ("工业大道", "Industrial Avenue"),
    ("迎宾大道", "Welcome Avenue"),
]
SHOPS = [
    "鑫源超市",
    "好又多生鲜店",
    "家家乐便利店",
    "老李家烧烤",
    "惠民药房",
    "顺发建材店",
    "美佳美发店",
    "汇丰手机店",
    "同心农资店",
    "阿强快餐店",
]
HOURS = ["晚上十点", "晚上十一点", "凌晨一点", "凌晨三点", "早上五点", "中午十二点"]


def full_name(rng: random.Random) -> str:
    """Return a plausible (made-up) Chinese full name."""
    surname = rng.choice(SURNAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def masked(name: str) -> str:
    """Return the name as case texts write it (张建国 → 张某)."""
    return name[0] + "某"


def fake_phone(rng: random.Random) -> str:
    """Return a phone number that is obviously not real (the 1380000 test block)."""
    return f"1380000{rng.randrange(10_000):04d}"


@dataclass
class PlaceText:
    """What the texts need to know about where a case happens."""

    town_zh: str
    village_zh: str
    grid_zh: str
    is_community: bool
    village_en: str = ""


def fill_slots(rng: random.Random, where: PlaceText) -> dict[str, str]:
    """Return the slot values for one case's texts."""
    complainant = full_name(rng)
    other = full_name(rng)
    estate_zh, estate_en = rng.choice(ESTATES)
    road_zh, road_en = rng.choice(ROADS)
    company = "云溪县" + rng.choice(COMPANY_STEMS) + rng.choice(COMPANY_KINDS)
    if where.is_community:
        address = f"{where.village_zh}{estate_zh}小区{rng.randint(1, 28)}栋{rng.randint(1, 4)}单元"
        address_en = f"Building {rng.randint(1, 28)}, {estate_en} Estate, {where.village_en}"
    else:
        address = f"{where.village_zh}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
        address_en = f"No. {rng.randint(1, 60)}, Group {rng.randint(1, 12)}, {where.village_en}"
    surname_en = EN_SURNAMES.get(complainant[0], "Zhang")
    return {
        "complainant": complainant,
        "other_party": other,
        "name": masked(complainant),
        "name2": masked(other),
        "name_en": f"{rng.choice(['Mr', 'Ms'])} {surname_en}",
        "town": where.town_zh,
        "village": where.village_zh,
        "grid": where.grid_zh,
        "village_en": where.village_en,
        "address": address,
        "address_en": address_en,
        "estate": estate_zh + "小区",
        "estate_en": estate_en + " Estate",
        "road": road_zh,
        "road_en": road_en,
        "company": company,
        "site": rng.choice(SITE_NAMES),
        "shop": rng.choice(SHOPS),
        "hour": rng.choice(HOURS),
        "amount": f"{rng.randrange(3_000, 90_000, 100):,}",
        "amount_small": f"{rng.randrange(80, 3_000, 10):,}",
        "workers": str(rng.randint(3, 40)),
        "days": str(rng.randint(2, 20)),
        "weeks": str(rng.randint(2, 8)),
        "months": str(rng.randint(2, 9)),
        "meters": str(rng.randint(5, 300)),
        "floor": str(rng.randint(2, 18)),
        "age": str(rng.randint(62, 91)),
        "households_n": str(rng.randint(5, 60)),
    }


@dataclass
class Group:
    """A family of related categories that share texts, season and handling."""

    key: str
    categories: list[tuple[str, float]]
    share: float
    season: str
    zh: list[tuple[str, str]]
    resolutions: list[str]
    en: list[tuple[str, str]] = field(default_factory=list)
    department: str | None = None  # department key that takes transfers of this group
    urgent: float = 0.05  # share of urgent cases (emergencies are a tenth of that)


GROUPS: list[Group] = [
    Group(
        key="neighbour",
        categories=[("DP.02", 1.0)],
        share=0.08,
        season="summer",
        zh=[
            (
                "楼上住户长期深夜噪音扰民",
                "{name}反映，住在{address}楼上的{name2}家经常{hour}还在拖动家具、大声放音乐，已持续{weeks}周，多次上门沟通无果，家中老人无法休息，请求社区协调。",
            ),
            (
                "邻居违规搭建影响通行",
                "{name}称邻居{name2}在{address}门前私自搭建彩钢棚，占用公共通道约{meters}平方米，电动车和行人通行困难，双方多次争吵，希望村委会出面调解。",
            ),
            (
                "邻里因排水问题发生纠纷",
                "{name}家与邻居{name2}家屋檐滴水、排水沟走向存在争议，下雨时雨水流入{name}家院内，已持续{months}个月，双方关系紧张。",
            ),
            (
                "邻居饲养犬只扰民",
                "{name}反映{address}附近住户{name2}饲养的大型犬未拴绳，夜间吠叫不止，曾追咬路过的小孩，请求网格员上门劝导。",
            ),
            (
                "楼上漏水导致楼下墙面受损",
                "{name}家住{address}，楼上{name2}家卫生间漏水{weeks}周，楼下天花板发霉脱落，楼上住户不愿维修，要求协调赔偿维修费用约{amount_small}元。",
            ),
            (
                "邻居在公共楼道堆放杂物",
                "{name}反映同单元{name2}长期在楼道堆放纸箱、旧家具，存在消防隐患，劝说无果，请求物业和社区处理。",
            ),
            (
                "因树木遮挡采光发生争执",
                "{name}称邻居{name2}在屋后种植的樟树长得过高，遮挡{name}家采光，树根还挤裂了院墙，双方协商砍树未果。",
            ),
            (
                "广场舞音响音量过大",
                "{name}反映{estate}旁空地每晚七点至{hour}有人跳广场舞，音响音量过大，影响学生学习和老人休息，希望协调调低音量、缩短时间。",
            ),
            (
                "邻居装修噪音及建筑垃圾纠纷",
                "{name}反映邻居{name2}家装修已{weeks}周，周末早上七点开始电钻作业，建筑垃圾堆放在楼道，沟通后对方态度恶劣。",
            ),
        ],
        en=[
            (
                "Loud music from upstairs neighbour late at night",
                "{name_en} at {address_en} says the upstairs neighbour plays loud music and moves furniture until after midnight several nights a week. Talking to them has not helped. Asks the community to mediate.",
            ),
            (
                "Neighbour's dog barking all night",
                "{name_en} reports that a neighbour near {address_en} keeps a large dog that barks through the night and is often off the lead. Requests the grid worker to speak to the owner.",
            ),
        ],
        resolutions=[
            "经网格员和调解员上门调解，双方达成口头协议：{name2}承诺晚上十点后不再产生噪音，双方互留联系方式，一周后回访无复发。",
            "调委会组织双方面对面协商，签订人民调解协议书，{name2}于三日内拆除违建部分，恢复通道。",
            "社区工作人员现场核实后，协调双方共同出资疏通排水沟并调整走向，问题已解决。",
            "经调解，{name2}同意承担维修费用，已当场支付，{name}表示满意。",
        ],
    ),
    Group(
        key="family",
        categories=[("DP.01", 1.0)],
        share=0.04,
        season="post_spring_festival",
        zh=[
            (
                "子女不履行赡养义务",
                "{age}岁老人{name}反映，其三个子女互相推诿，近{months}个月未支付赡养费，老人独居{address}，生活困难，请求村调委会调解。",
            ),
            (
                "夫妻因家庭琐事发生矛盾",
                "{name}反映与配偶{name2}因子女教育和家务分担长期争吵，近期矛盾激化，希望调解员介入疏导。",
            ),
            (
                "兄弟之间因老宅继承产生纠纷",
                "{name}与兄弟{name2}因父母留下的{address}老宅继承问题发生争执，双方各执一词，已影响家庭关系。",
            ),
            (
                "离婚后子女探视权纠纷",
                "{name}称离婚后前配偶{name2}以各种理由阻止其探视孩子已{months}个月，请求调解。",
            ),
            (
                "婆媳矛盾激化请求调解",
                "{name}反映家中婆媳关系紧张，{weeks}周前发生肢体冲突，担心矛盾进一步升级，请求妇联和调委会帮助。",
            ),
            (
                "老人赡养费分摊争议",
                "{name}反映其母亲{age}岁，兄妹四人对每月赡养费和住院费用分摊有分歧，住院费{amount_small}元至今无人支付。",
            ),
        ],
        resolutions=[
            "调解员组织家庭成员召开家庭会议，签订赡养协议，明确每人每月支付赡养费并轮流照料，后续由网格员跟踪履行。",
            "经调解员和妇联干部多次疏导，双方情绪平复，同意暂时分开冷静并接受心理辅导。",
            "调委会依法释明继承相关规定，双方达成分割协议并申请司法确认。",
        ],
        urgent=0.08,
    ),
    Group(
        key="homestead",
        categories=[("DP.03", 0.7), ("DP.07", 0.3)],
        share=0.04,
        season="spring",
        zh=[
            (
                "宅基地界址争议",
                "{name}与邻居{name2}因{address}宅基地界址发生争议，{name2}新建房屋地基越过原界桩约{meters}公分，双方多次争吵。",
            ),
            (
                "建房占用集体道路引发纠纷",
                "{name}反映村民{name2}建房时将院墙外移，占用村组道路约{meters}平方米，影响其他村民通行和农机进出。",
            ),
            (
                "山林权属纠纷",
                "{village}{name}家与邻组{name2}家对一片约{meters}亩山林的权属存在争议，双方均称有林权证，近期因砍伐杉木发生冲突。",
            ),
            (
                "承包田边界不清引发矛盾",
                "{name}称邻田{name2}春耕时将田埂往其承包田内移动了一米多，双方为此争吵，请求村委会重新丈量。",
            ),
            (
                "祖坟周边土地使用纠纷",
                "{name}反映{name2}在其家祖坟旁开挖鱼塘，双方因土地使用和风俗问题发生纠纷。",
            ),
        ],
        resolutions=[
            "村调委会会同国土所工作人员现场勘测，依据原始登记资料确定界址，双方签字确认，重新埋设界桩。",
            "经调解，{name2}同意退回侵占部分并恢复道路原状，双方签订调解协议。",
            "镇调委会组织双方查验林权证，依据登记范围划定界线，纠纷化解。",
        ],
    ),
    Group(
        key="wages",
        categories=[("CM15.03.006", 0.55), ("DP.09", 0.3), ("CM15.06.004", 0.15)],
        share=0.09,
        season="pre_spring_festival",
        department="labour",
        zh=[
            (
                "{company}拖欠工资",
                "{name}等{workers}名工人反映，在{company}务工，被拖欠{months}个月工资共计{amount}元，多次讨要，老板以工程款未结算为由推脱。",
            ),
            (
                "{site}拖欠农民工工资",
                "{name}反映其在{site}做木工，包工头{name2}拖欠{workers}人工资约{amount}元，临近年底急需用钱回家，请求帮助讨薪。",
            ),
            (
                "工厂停工未结清工资",
                "{name}称{company}已停工{weeks}周，老板失联，拖欠{workers}名员工工资和加班费，请求人社部门介入。",
            ),
            (
                "辞职后工资未结清",
                "{name}于{weeks}周前从{company}离职，公司至今未结清最后一个月工资{amount_small}元，还扣押了押金。",
            ),
            (
                "劳务分包拖欠工资",
                "{name}反映在{site}从事钢筋工作，劳务分包方{name2}称总包未付款，拖欠工资{amount}元，工人们准备集体讨薪。",
            ),
            (
                "工伤后单位拒绝支付医疗费",
                "{name}在{company}上班时手指受伤，单位只支付了部分医疗费，拒绝申报工伤，要求依法处理。",
            ),
            (
                "未签劳动合同被辞退",
                "{name}在{shop}工作{months}个月，一直未签劳动合同，近日被口头辞退，要求支付双倍工资差额。",
            ),
            (
                "年终奖和绩效工资未发放",
                "{name}等{workers}名员工反映{company}承诺的年终绩效工资未发放，涉及金额约{amount}元。",
            ),
        ],
        en=[
            (
                "Unpaid wages at a construction site",
                "{name_en} and other workers say the subcontractor at the {road_en} project has not paid them for several months, about {amount} yuan in total. They ask the labour authorities to help before the holiday.",
            ),
            (
                "Employer refuses to pay final salary",
                "{name_en} left a factory job weeks ago and has still not received the last month's salary of {amount_small} yuan.",
            ),
        ],
        resolutions=[
            "镇综治中心会同人社部门约谈{company}负责人，督促其制定支付计划，已分两批结清全部工资{amount}元。",
            "经劳动保障监察介入，总包单位从农民工工资保证金中先行垫付，工人工资已全部到位。",
            "调解员组织劳资双方协商，达成分期支付协议，首期款已支付；告知如未履行可申请劳动仲裁。",
            "经调查属于劳动争议，已告知当事人向县劳动人事争议仲裁委员会申请仲裁的途径和时限（一年），并提供法律援助。",
        ],
        urgent=0.1,
    ),
    Group(
        key="labour_other",
        categories=[("CM15.06.001", 0.4), ("CM15.06.007", 0.3), ("CM15.01", 0.3)],
        share=0.03,
        season="flat",
        department="labour",
        zh=[
            (
                "劳动合同到期单位拒不续签",
                "{name}在{company}工作{months}年，合同到期单位拒绝续签也不支付经济补偿，请求协调。",
            ),
            (
                "单位未缴纳社会保险",
                "{name}反映{company}未给员工缴纳社会保险已{months}个月，涉及{workers}名员工。",
            ),
            (
                "城乡居民医保缴费咨询",
                "{name}咨询家中{age}岁老人城乡居民医疗保险缴费标准及办理渠道，村里通知的截止时间不清楚。",
            ),
            ("被违法辞退要求赔偿", "{name}称因怀孕被{company}辞退，要求单位依法支付赔偿金。"),
            (
                "养老保险转移接续困难",
                "{name}在外省工作多年后返乡，养老保险关系转移接续遇到困难，跑了多次未办成。",
            ),
        ],
        resolutions=[
            "人社部门约谈用人单位，单位已补缴社保并补签劳动合同。",
            "已向当事人解释相关政策，并指导其通过线上渠道办理，问题解决。",
            "经调解，单位同意支付经济补偿{amount_small}元，双方签订调解协议。",
        ],
    ),
    Group(
        key="property",
        categories=[("DP.14", 0.5), ("CM01.10.003", 0.5)],
        share=0.04,
        season="flat",
        department="housing",
        zh=[
            (
                "物业公司服务不到位",
                "{name}反映{estate}物业公司收取物业费但长期不打扫楼道、电梯频繁故障，业主意见很大。",
            ),
            (
                "小区电梯多次故障困人",
                "{name}反映{estate}{floor}号楼电梯本月已故障{days}次，曾有老人被困，物业推诿维修。",
            ),
            (
                "物业费上涨未经业主同意",
                "{name}称{estate}物业公司擅自将物业费上涨，未召开业主大会，业主拒交引发矛盾。",
            ),
            (
                "小区停车位纠纷",
                "{name}反映{estate}地面停车位被外来车辆长期占用，物业管理混乱，业主之间多次发生争执。",
            ),
            (
                "物业擅自占用公共绿地",
                "{name}反映{estate}物业将公共绿地改为收费停车场，未征求业主意见。",
            ),
            (
                "小区二次供水水质浑浊",
                "{name}反映{estate}近{days}天自来水发黄浑浊，怀疑二次供水水箱长期未清洗。",
            ),
        ],
        en=[
            (
                "Lift in our building keeps breaking down",
                "{name_en} lives at {estate_en}. The lift has broken down several times this month and an elderly neighbour was trapped. The management company has not repaired it.",
            ),
        ],
        resolutions=[
            "社区约谈物业公司，物业已完成电梯维保并公示维修记录，承诺加强日常巡查。",
            "社区组织业主代表与物业协商，物业费调整暂缓执行，待业主大会表决。",
            "住建部门责令物业公司整改，已恢复绿地并清洗二次供水水箱，水质检测合格。",
        ],
    ),
    Group(
        key="sanitation",
        categories=[("CM01.02.014", 0.6), ("CM01.02.001", 0.4)],
        share=0.08,
        season="summer",
        zh=[
            (
                "垃圾清运不及时",
                "{name}反映{address}附近垃圾桶已{days}天未清运，垃圾满溢，天气炎热异味严重，蚊蝇滋生。",
            ),
            (
                "河道漂浮垃圾无人清理",
                "{name}反映{village}村前小河漂浮大量生活垃圾和塑料瓶，影响环境。",
            ),
            (
                "道路两侧乱倒建筑垃圾",
                "{name}反映{road}路边有人夜间偷倒建筑垃圾，已堆积成堆，影响通行。",
            ),
            (
                "公共厕所脏乱无人管理",
                "{name}反映{village}公共厕所长期无人打扫，水管损坏，气味难闻。",
            ),
            ("绿化带杂草丛生", "{name}反映{road}绿化带杂草长到半人高，存在蛇虫，影响市容。"),
            ("农贸市场周边污水横流", "{name}反映{town}农贸市场周边排水不畅，污水横流，气味刺鼻。"),
            ("小区垃圾分类设施损坏", "{name}反映{estate}垃圾分类亭损坏{weeks}周无人修理。"),
        ],
        en=[
            (
                "Rubbish not collected for days",
                "{name_en} reports that the bins near {address_en} have not been emptied for several days and smell badly in the heat.",
            ),
            (
                "Construction waste dumped by the road",
                "{name_en} says someone has been dumping construction waste at night along {road_en}.",
            ),
        ],
        resolutions=[
            "网格员现场核实后通知环卫所，已于当日完成清运并增加清运频次。",
            "镇环卫站组织人员清理河道垃圾，并在河边增设垃圾收集点和警示牌。",
            "城管执法中队已清理建筑垃圾，并安装监控防止再次偷倒。",
        ],
    ),
    Group(
        key="facilities",
        categories=[("CM01.02.004", 0.45), ("CM01.02.011", 0.35), ("CM01.02.003", 0.2)],
        share=0.08,
        season="flat",
        zh=[
            (
                "路灯损坏夜间出行不便",
                "{name}反映{road}有{days}盏路灯不亮已{weeks}周，夜间行人和电动车出行不安全。",
            ),
            (
                "道路坑洼积水",
                "{name}反映{village}通组公路有多处坑洼，下雨后积水严重，已有电动车摔倒。",
            ),
            (
                "窨井盖缺失存在安全隐患",
                "{name}反映{road}人行道上有一个窨井盖缺失，只用树枝遮挡，容易发生意外。",
            ),
            ("村里健身器材损坏", "{name}反映{village}文化广场健身器材多处断裂，存在安全隐患。"),
            (
                "桥梁护栏破损",
                "{name}反映{village}进村小桥护栏破损约{meters}米，学生上学经过很危险。",
            ),
            ("公交站台遮雨棚损坏", "{name}反映{road}公交站台遮雨棚被风刮坏，乘客等车淋雨。"),
            (
                "村组道路硬化申请",
                "{name}代表{households_n}户村民反映，{address}一带道路仍为泥土路，雨天无法通行，申请纳入道路硬化计划。",
            ),
            ("排水沟堵塞", "{name}反映{address}附近排水沟被泥沙堵塞，雨天污水漫上路面。"),
        ],
        en=[
            (
                "Street lights out on our road",
                "{name_en} reports several street lights on {road_en} have been out for weeks, making it unsafe at night.",
            ),
            (
                "Missing manhole cover on the pavement",
                "{name_en} found a missing manhole cover on {road_en}; it is only covered with branches.",
            ),
        ],
        resolutions=[
            "已通知路灯管理所维修，路灯已全部恢复照明。",
            "镇村建设办组织对坑洼路段进行修补，积水问题已解决。",
            "已补装窨井盖并设置警示标志，隐患消除。",
            "已纳入明年村组道路硬化计划，并向村民公示，近期先铺设碎石应急。",
        ],
    ),
    Group(
        key="utilities",
        categories=[("CM01.02.016", 0.45), ("CM01.02.015", 0.4), ("CM01.02.013", 0.15)],
        share=0.05,
        season="summer_winter",
        zh=[
            (
                "片区频繁停电",
                "{name}反映{village}近{days}天频繁停电，天气炎热，老人和小孩受不了，冰箱里的东西都坏了。",
            ),
            ("自来水停水无通知", "{name}反映{estate}突然停水已{days}小时，事先没有任何通知。"),
            ("自来水水压过低", "{name}反映{address}高峰期水压很低，三楼以上基本没水。"),
            ("燃气管道疑似泄漏", "{name}反映{address}楼道内有明显燃气味，担心燃气管道泄漏。"),
            (
                "电压不稳损坏家电",
                "{name}反映{village}电压不稳，多户家电被烧坏，要求供电所检修线路。",
            ),
            (
                "自来水管网未通到组",
                "{name}代表{households_n}户村民反映{address}一带自来水管网一直未接通，仍在使用井水。",
            ),
        ],
        resolutions=[
            "供电所已更换老化变压器，供电恢复稳定。",
            "水务公司排查后修复爆裂管道，已恢复供水，并承诺计划停水提前公告。",
            "燃气公司抢修人员到场检测，更换了老化阀门，隐患已排除。",
            "已将该组列入农村供水管网延伸计划，预计年内接通。",
        ],
        urgent=0.12,
    ),
    Group(
        key="noise",
        categories=[("CM04.02.003", 1.0)],
        share=0.05,
        season="summer",
        department="environment",
        zh=[
            (
                "工地夜间施工噪音扰民",
                "{name}反映{site}每天{hour}仍在施工，打桩机噪音很大，周边居民无法入睡。",
            ),
            (
                "商铺音响外放噪音大",
                "{name}反映{road}{shop}门口音响整天大声播放促销广告，严重影响周边居民。",
            ),
            ("烧烤店深夜噪音扰民", "{name}反映{shop}每晚营业到{hour}，食客喧哗划拳，影响休息。"),
            (
                "工厂机器噪音扰民",
                "{name}反映{company}车间机器昼夜运转，噪音传到{address}，居民夜不能寐。",
            ),
            ("KTV噪音扰民", "{name}反映{road}一家KTV每晚营业至凌晨，低音炮震动明显。"),
            ("空调外机噪音过大", "{name}反映{estate}底商空调外机噪音很大，正对居民卧室。"),
        ],
        en=[
            (
                "Night-time construction noise",
                "{name_en} says piling at a nearby construction site goes on until late at night and nobody in the area can sleep.",
            ),
        ],
        resolutions=[
            "生态环境部门夜间现场检测噪音超标，已责令工地停止夜间施工并立案处理。",
            "城管执法人员上门劝导，商户已停止外放音响。",
            "经协调，烧烤店调整营业时间并将桌椅移入室内，回访居民表示噪音明显减少。",
            "企业已加装隔音设施并调整生产时间，复测达标。",
        ],
    ),
    Group(
        key="pollution",
        categories=[("CM04.02.006", 0.45), ("CM04.02.010", 0.35), ("CM04.02.005", 0.2)],
        share=0.04,
        season="summer",
        department="environment",
        zh=[
            (
                "工厂排放刺鼻气味",
                "{name}反映{company}夜间排放刺鼻气味，周边居民头晕恶心，窗户都不敢开。",
            ),
            (
                "企业偷排污水污染河道",
                "{name}反映{village}旁小河近期河水发黑发臭，怀疑上游{company}偷排污水。",
            ),
            ("露天焚烧垃圾", "{name}反映{address}附近有人露天焚烧垃圾和塑料，浓烟很大。"),
            ("养殖场粪污直排", "{name}反映{village}一家养猪场粪污直排水沟，臭味严重，影响饮水井。"),
            (
                "石材厂粉尘污染",
                "{name}反映{company}切割石材粉尘很大，周边房屋和庄稼上覆盖一层白灰。",
            ),
            (
                "工业固废随意堆放",
                "{name}反映有人在{village}山脚倾倒不明工业废料，下雨后流出有色污水。",
            ),
        ],
        en=[
            (
                "Strong chemical smell from a factory",
                "{name_en} reports a strong chemical smell from a factory near {address_en}, mostly at night. Residents feel dizzy.",
            ),
        ],
        resolutions=[
            "生态环境部门现场检查，企业废气处理设施未正常运行，已责令停产整改并立案处罚。",
            "经采样检测，河道污染系上游企业偷排所致，已查封排污口并责令清理。",
            "镇政府组织清理焚烧点，并对焚烧者进行批评教育。",
            "已督促养殖场完善粪污处理设施，完成整改并复查合格。",
        ],
        urgent=0.1,
    ),
    Group(
        key="flood",
        categories=[("CM10.12.006", 1.0)],
        share=0.012,
        season="rainy",
        zh=[
            (
                "暴雨导致房屋进水",
                "{name}反映连日暴雨，{address}低洼处房屋进水约{meters}公分，家中有{age}岁老人行动不便，请求转移。",
            ),
            (
                "山体滑坡隐患",
                "{name}反映{village}后山出现裂缝并有碎石滚落，下方有{households_n}户人家，担心发生滑坡。",
            ),
            (
                "河堤出现渗漏",
                "{name}反映{village}段河堤出现渗水点，水位还在上涨，请求尽快派人查看。",
            ),
            (
                "道路被洪水冲毁",
                "{name}反映{village}通村公路一段被洪水冲毁，车辆无法通行，学生上学受阻。",
            ),
            (
                "山塘水库水位过高",
                "{name}反映{village}山塘水位已接近坝顶，溢洪道被杂物堵塞，下游村民担忧。",
            ),
            (
                "农田被淹急需排涝",
                "{name}反映{village}约{meters}亩农田被淹，排涝站未开机，早稻面临绝收。",
            ),
        ],
        en=[
            (
                "House flooded after heavy rain",
                "{name_en} at {address_en} says the ground floor is flooded after the storm and an elderly relative needs help to move out.",
            ),
        ],
        resolutions=[
            "镇防汛办立即组织人员转移受威胁群众，并安排专人值守监测，险情解除。",
            "已组织抢险队对河堤渗漏点进行加固，水位回落后完成修复。",
            "交通部门已抢通道路，设置临时便道保障通行。",
            "排涝站已开机排水，农田积水排除，农技站指导补种。",
        ],
        urgent=0.6,
    ),
    Group(
        key="fire",
        categories=[("CM13.08.009", 1.0)],
        share=0.012,
        season="winter",
        department="police",
        zh=[
            (
                "楼道电动车充电存在火灾隐患",
                "{name}反映{estate}多户居民将电动车推进楼道飞线充电，存在严重火灾隐患。",
            ),
            ("消防通道被占用", "{name}反映{estate}消防通道长期被私家车占用，消防车无法通行。"),
            ("沿街店铺违规住人", "{name}反映{road}一家店铺“三合一”违规住人，电线乱拉。"),
            ("山林周边烧荒存在火险", "{name}反映{village}有村民在山边烧田埂杂草，风大易引发山火。"),
            ("小区消防设施损坏", "{name}反映{estate}消防栓无水、灭火器过期。"),
        ],
        resolutions=[
            "社区联合消防救援站开展检查，清理楼道电动车，设置集中充电桩。",
            "已清理占用消防通道的车辆并施划禁停标线。",
            "派出所和应急办对违规住人店铺下达整改通知，已整改完毕。",
        ],
        urgent=0.4,
    ),
    Group(
        key="public_order",
        categories=[("CM13.08.007", 0.7), ("CM13.08.004", 0.3)],
        share=0.03,
        season="flat",
        department="police",
        zh=[
            (
                "深夜有人聚集滋事",
                "{name}反映{road}附近夜间经常有人聚集饮酒、吵闹，甚至打架，居民不敢出门。",
            ),
            ("电动车频繁被盗", "{name}反映{estate}近{weeks}周多辆电动车被盗，监控损坏无人修理。"),
            ("疑似赌博窝点", "{name}反映{address}附近一处民房每晚有人聚集赌博，进出人员复杂。"),
            ("醉酒人员骚扰商户", "{name}反映有醉酒人员经常到{shop}骚扰店员、拒不付款。"),
            ("校园周边治安问题", "{name}反映{town}中学周边放学时段有社会青年拦截学生。"),
        ],
        resolutions=[
            "派出所加强夜间巡逻，对滋事人员进行训诫，周边秩序好转。",
            "社区协调物业修复监控并增设电动车集中停放点，派出所已立案调查。",
            "经派出所核查依法处理，已对相关人员进行治安处罚。",
        ],
    ),
    Group(
        key="assistance",
        categories=[("CM09.09.002", 0.4), ("CM09.09.005", 0.2), ("CM09.08", 0.4)],
        share=0.04,
        season="winter",
        zh=[
            (
                "申请农村低保",
                "{name}反映家中{age}岁老人患病，儿子残疾，家庭无稳定收入，申请纳入农村低保。",
            ),
            (
                "低保被取消要求复核",
                "{name}反映其家庭低保近期被取消，但家庭困难并未改变，要求复核。",
            ),
            (
                "独居老人无人照料",
                "{name}反映{address}有一位{age}岁独居老人，子女在外打工，近期生病无人照料。",
            ),
            ("残疾人补贴未到账", "{name}反映其残疾人两项补贴已{months}个月未到账。"),
            (
                "困难家庭冬季取暖求助",
                "{name}反映家中{age}岁老人独居，房屋漏风，冬季取暖困难，请求帮助。",
            ),
            ("临时救助申请", "{name}家中遭遇意外，医疗支出{amount}元，申请临时救助。"),
        ],
        resolutions=[
            "经民政所入户调查，符合条件，已纳入低保并按月发放。",
            "社区安排志愿者定期探访，协调家庭医生上门服务。",
            "已核实补贴发放情况，系银行账户信息错误，更正后已补发。",
            "已为其办理临时救助{amount_small}元，并链接慈善资源。",
        ],
        urgent=0.1,
    ),
    Group(
        key="village_affairs",
        categories=[("CM10.02", 0.5), ("DP.10", 0.5)],
        share=0.03,
        season="flat",
        zh=[
            (
                "村务财务不公开",
                "{name}等村民反映{village}近{months}个月未公开村务财务，对集体资金使用有疑问。",
            ),
            (
                "集体土地租金分配不均",
                "{name}反映{village}集体土地出租收益分配方案不合理，部分外嫁女未分到。",
            ),
            ("村集体资产发包不透明", "{name}反映{village}鱼塘发包未经村民代表大会讨论。"),
            ("村干部办事拖拉", "{name}反映多次到村委会开具证明，村干部推诿不办。"),
            (
                "征地补偿款分配争议",
                "{name}反映{village}征地补偿款分配方案未经村民讨论，部分户未足额发放。",
            ),
        ],
        resolutions=[
            "镇农经站已督促村委会按规定公开财务，并组织村民代表查账。",
            "经镇调委会调解，村民小组重新讨论分配方案，依法保障外嫁女权益。",
            "已责令村委会规范集体资产发包程序，重新公开招标。",
        ],
    ),
    Group(
        key="consumer",
        categories=[("DP.15", 0.4), ("CM11.04.003", 0.35), ("CM11.04.008", 0.25)],
        share=0.03,
        season="flat",
        department="market",
        zh=[
            (
                "购买商品质量问题退货被拒",
                "{name}在{shop}购买的电器使用{days}天出现故障，商家拒绝退换。",
            ),
            ("预付卡商家跑路", "{name}等{workers}人在{shop}办理预付卡共{amount}元，商家突然关门。"),
            ("超市销售过期食品", "{name}在{shop}购买的牛奶已过保质期，要求查处。"),
            (
                "农资店出售假种子",
                "{name}从{shop}购买的稻种出芽率极低，{meters}亩田减产，要求赔偿。",
            ),
            ("商家价格欺诈", "{name}反映{shop}标价与结算价格不一致，多收费用。"),
            (
                "网购家具送货后拒绝安装",
                "{name}在本地{shop}订购家具，付款{amount_small}元后迟迟不送货安装。",
            ),
        ],
        en=[
            (
                "Shop refuses refund for faulty appliance",
                "{name_en} bought a rice cooker that broke after a few days; the shop refuses to exchange it.",
            ),
        ],
        resolutions=[
            "市场监管所调解，商家同意退货退款。",
            "市场监管部门已立案调查，督促商家退还预付款余额。",
            "已对商家销售过期食品行为立案查处，并给予投诉人十倍赔偿。",
            "经调解，农资店赔偿损失{amount_small}元。",
        ],
    ),
    Group(
        key="food",
        categories=[("CM12.04.001", 1.0)],
        share=0.015,
        season="summer",
        department="market",
        zh=[
            ("餐馆卫生条件差", "{name}反映{shop}后厨卫生脏乱，有老鼠出没。"),
            ("学校周边摊贩售卖三无食品", "{name}反映{town}小学门口摊贩售卖三无辣条。"),
            ("食物中毒疑似事件", "{name}在{shop}用餐后，家中{workers}人出现腹泻呕吐。"),
            ("无证经营小作坊", "{name}反映{address}附近有无证豆腐作坊，卫生状况差。"),
            ("菜市场农药残留问题", "{name}反映在{town}农贸市场购买的蔬菜疑似农药残留超标。"),
        ],
        resolutions=[
            "市场监管所检查后责令餐馆停业整改，复查合格后恢复营业。",
            "已取缔校园周边无证摊贩。",
            "疾控和市场监管部门已采样检测，对涉事餐馆依法处理。",
        ],
        urgent=0.15,
    ),
    Group(
        key="traffic",
        categories=[("DP.12", 0.5), ("CM13.05", 0.5)],
        share=0.025,
        season="flat",
        department="police",
        zh=[
            (
                "交通事故赔偿纠纷",
                "{name}骑电动车与{name2}驾驶的小轿车在{road}发生碰撞，医疗费{amount_small}元赔偿存在争议。",
            ),
            (
                "路口缺少红绿灯",
                "{name}反映{road}与{village}路口车流量大，没有红绿灯，经常发生事故。",
            ),
            ("货车超载损坏村道", "{name}反映大货车超载通过{village}村道，路面损坏严重。"),
            ("学校门口交通拥堵", "{name}反映上下学时段{town}中学门口交通拥堵，学生过马路危险。"),
            ("农用车事故赔偿纠纷", "{name}家三轮车与{name2}摩托车相撞，双方对责任划分有异议。"),
        ],
        resolutions=[
            "交警中队与调委会联合调解，双方按责任比例达成赔偿协议，已当场履行。",
            "交警部门已在路口增设减速带和警示标志，信号灯已纳入建设计划。",
            "交警已加强治超检查，并设置限高设施。",
        ],
    ),
    Group(
        key="land",
        categories=[("CM03.04", 0.4), ("DP.08", 0.4), ("CM03.05", 0.2)],
        share=0.02,
        season="flat",
        department="natural_resources",
        zh=[
            (
                "征地补偿标准有异议",
                "{name}反映{village}因修建{site}征收其承包地{meters}亩，对补偿标准有异议。",
            ),
            (
                "拆迁安置房迟迟未交付",
                "{name}反映{village}拆迁户安置房已逾期{months}个月未交付，过渡费也停发。",
            ),
            ("违法占用耕地建房", "{name}反映{address}附近有人占用基本农田建房。"),
            ("土地征收未公示", "{name}反映{village}土地征收前未公示征地方案，村民不知情。"),
            ("青苗补偿款未到位", "{name}反映{site}施工占用农田，青苗补偿款{amount}元至今未付。"),
        ],
        resolutions=[
            "自然资源部门已向当事人解释征地补偿标准和依据，并复核面积，补发差额。",
            "镇政府协调开发商制定交付计划，恢复发放过渡费。",
            "自然资源部门已立案调查违法占地行为，责令停止建设并恢复耕地。",
        ],
    ),
    Group(
        key="school",
        categories=[("CM14.05", 0.5), ("CM14.03", 0.5)],
        share=0.015,
        season="school",
        zh=[
            (
                "孩子入学学位紧张",
                "{name}反映户籍在{village}的孩子被安排到较远学校就读，要求就近入学。",
            ),
            ("学校乱收费", "{name}反映{town}某学校以资料费名义收取每人{amount_small}元。"),
            ("校车接送问题", "{name}反映{village}学生上学路远，校车停运后无人接送。"),
            ("随迁子女入学材料咨询", "{name}咨询随迁子女在本县入学需要准备哪些材料。"),
            ("幼儿园收费过高", "{name}反映{town}一所民办幼儿园保教费上涨过快。"),
        ],
        resolutions=[
            "教育局已协调就近学校接收，问题解决。",
            "经核查，学校已退还违规收取的费用，并通报批评。",
            "已向家长说明入学政策和材料清单。",
        ],
    ),
    Group(
        key="subsidy",
        categories=[("CM10.05", 0.6), ("CM10.13", 0.4)],
        share=0.02,
        season="spring",
        zh=[
            (
                "耕地地力保护补贴未发放",
                "{name}反映其家{meters}亩承包地的耕地地力保护补贴今年未到账。",
            ),
            (
                "土地流转租金拖欠",
                "{name}等{households_n}户村民反映流转给{company}的土地租金已拖欠{months}个月。",
            ),
            ("种粮补贴面积核定有误", "{name}反映村里核定的种粮面积比实际少了{meters}亩。"),
            ("土地承包经营权证信息错误", "{name}反映其土地承包经营权证上的面积和四至有误。"),
        ],
        resolutions=[
            "镇农业服务中心核实后，补贴已补发到户。",
            "经调解，流转企业制定支付计划，首期租金已到位。",
            "已重新核定面积并公示，更正登记信息。",
        ],
    ),
    Group(
        key="household_reg",
        categories=[("CM13.04", 1.0)],
        share=0.015,
        season="flat",
        zh=[
            ("户口迁移办理困难", "{name}反映为孩子办理户口迁入手续，材料多次被退回。"),
            ("身份证补办咨询", "{name}咨询老人行动不便能否上门办理身份证。"),
            ("户籍信息错误更正", "{name}反映户口簿上出生日期登记错误，影响办理养老保险。"),
        ],
        resolutions=[
            "派出所户籍窗口已一次性告知所需材料并办结。",
            "已安排民警上门为老人采集信息办理身份证。",
            "经核查原始档案，已更正户籍信息。",
        ],
    ),
    Group(
        key="medical",
        categories=[("DP.13", 0.6), ("CM12.05", 0.4)],
        share=0.008,
        season="flat",
        zh=[
            (
                "手术后出现并发症要求赔偿",
                "{name}反映家人在县医院手术后出现并发症，对医院处理不满，要求赔偿。",
            ),
            ("诊所误诊延误治疗", "{name}反映孩子在村诊所被误诊，延误治疗{days}天。"),
            ("医疗费用结算争议", "{name}反映住院费用清单中有未使用的项目，医院拒绝解释。"),
        ],
        resolutions=[
            "医疗纠纷人民调解委员会组织双方调解，医院同意补偿{amount}元。",
            "已告知申请医疗事故技术鉴定及诉讼途径。",
        ],
        urgent=0.1,
    ),
    Group(
        key="conduct",
        categories=[("CM05.02", 1.0)],
        share=0.005,
        season="flat",
        zh=[
            (
                "窗口工作人员态度恶劣",
                "{name}反映到{town}便民服务中心办事时工作人员态度恶劣、推诿。",
            ),
            ("村干部优亲厚友", "{name}反映{village}村干部在评选困难户时优亲厚友。"),
            ("办事人员索要好处费", "{name}反映办理建房审批时有工作人员暗示需要“打点”。"),
        ],
        resolutions=[
            "纪检部门已核查，相关人员已批评教育并作出书面检查。",
            "经调查部分属实，已责令重新评议并公示结果。",
        ],
    ),
    Group(
        key="suggestion",
        categories=[("CM08.04", 0.5), ("CM13.02", 0.5)],
        share=0.01,
        season="flat",
        zh=[
            (
                "建议增设便民服务网点",
                "{name}建议在{village}增设社保、医保自助办理网点，方便老人办事。",
            ),
            ("建议开通夜间公交线路", "{name}建议开通{town}至县城的夜间公交线路。"),
            (
                "建议加强普法宣传",
                "{name}建议在{village}开展防范电信诈骗普法宣传，近期多位老人被骗。",
            ),
            ("建议村里建设老年食堂", "{name}建议在{village}建设老年食堂，解决独居老人吃饭难问题。"),
        ],
        en=[
            (
                "Suggestion: evening bus service to the county town",
                "{name_en} suggests an evening bus from the town to the county seat for shift workers.",
            ),
        ],
        resolutions=[
            "感谢您的建议，已转相关部门研究，将纳入明年民生实事项目统筹考虑。",
            "已采纳建议，近期将在村里开展反诈宣传活动。",
        ],
    ),
]

GROUPS_BY_KEY = {g.key: g for g in GROUPS}

FEEDBACK_COMMENTS = {
    5: ["处理很及时，非常满意！", "工作人员很耐心，问题解决了，谢谢。", "效率很高，点赞。", ""],
    4: ["问题基本解决，希望以后加强巡查。", "总体满意，就是等的时间长了点。", ""],
    3: ["解决了一部分，还有遗留问题。", "处理结果一般。", ""],
    2: ["问题没有彻底解决，过几天又出现了。", "回复比较敷衍。"],
    1: ["根本没有解决，只是打了个电话。", "不满意，要求重新处理。"],
}
EN_RESOLUTIONS = [
    "The grid worker checked the site and the responsible office fixed the problem; a follow-up visit found no recurrence.",
    "Both sides met with the mediator and reached an agreement, which has been carried out.",
    "The department inspected the matter, ordered the business to correct it and will check again next month.",
    "We explained the applicable rules and the channel to use; the resident was given the contact details and deadline.",
]
NOT_ACCEPTED_ROUTES = [
    (
        "该事项属于诉讼范围，请在诉讼时效内向县人民法院起诉。",
        "诉讼时效三年，自知道或者应当知道权利受到损害之日起计算",
    ),
    ("该事项属于劳动争议，请向县劳动人事争议仲裁委员会申请仲裁。", "仲裁时效一年"),
    ("该事项已进入行政复议程序，请等待复议机关决定。", "复议期限六十日"),
]
PAUSE_REASONS = [
    "等待当事人补充材料",
    "当事人外出务工，约定返乡后调解",
    "等待第三方鉴定结果",
    "等待相关部门出具意见",
]
ESCALATE_NOTES = [
    "村级调解未果，双方分歧较大，提交镇调委会",
    "涉及多个部门职责，需上级统筹协调",
    "群众反映强烈，涉及人数较多",
    "超出村级处理权限",
]
TRANSFER_REASONS = {
    "labour": "涉及劳动保障监察职责，转县人社局处理",
    "housing": "涉及物业监管职责，转县住建局处理",
    "natural_resources": "涉及土地管理职责，转县自然资源局处理",
    "environment": "涉及环境执法职责，转县生态环境分局处理",
    "market": "涉及市场监管职责，转县市场监管局处理",
    "police": "涉及治安和消防管理，转公安联络处处理",
}
CONSENT_NOTE = "居民当面口头同意由网格员代为登记并留存记录"
