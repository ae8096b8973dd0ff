"""The demo hospital, modelled on seeds/003: one 党委, 8 党总支, 70 党支部, ~800 people.

Dates are relative to `today` so that some terms always end within 180 days and a few
are already overdue. Deterministic for a given `today`.
"""

import random
from datetime import date, timedelta

DEMO_PASSWORD = "demo12345"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志文斌辉宇浩凯健俊帆帅旭宁婷雪琳晶颖倩欣慧佳颖思远博瑞晨阳海波宏亮春梅秋菊冬梅"
GENERAL_BRANCHES = [
    ("zz1", "内科第一党总支", ["心血管内科", "呼吸内科", "消化内科", "神经内科", "肾病科", "内分泌科", "风湿免疫科", "血液科", "感染科"]),
    ("zz2", "内科第二党总支", ["老年病科", "肿瘤科", "针灸科", "推拿科", "康复医学科", "皮肤科", "儿科", "治未病中心", "脑病科"]),
    ("zz3", "外科党总支", ["普外科", "骨科", "泌尿外科", "神经外科", "心胸外科", "肛肠科", "烧伤整形科", "麻醉科", "手术室"]),
    ("zz4", "妇儿与五官党总支", ["妇科", "产科", "眼科", "耳鼻喉科", "口腔科", "新生儿科", "生殖中心", "乳腺科", "甲状腺科"]),
    ("zz5", "医技党总支", ["检验科", "放射科", "超声科", "病理科", "核医学科", "药剂科", "输血科", "心电图室", "内镜中心"]),
    ("zz6", "护理党总支", ["内科护理", "外科护理", "急诊护理", "重症医学科", "门诊护理", "供应室", "血透室", "护理部", "护理教研室"]),
    ("zz7", "机关第一党总支", ["党委办公室", "院长办公室", "人事科", "财务科", "医务科", "科教科", "审计科", "纪检监察室"]),
    ("zz8", "机关第二党总支", ["后勤保障科", "信息中心", "设备科", "基建科", "保卫科", "门诊部", "医保办", "离退休党支部"]),
]


def _name(rng, used):
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        if name not in used:
            used.add(name)
            return name


def build_demo_org(today: date, seed: int = 3) -> dict:
    rng = random.Random(seed)
    used_names: set[str] = set()
    units = [{"code": "dw", "name": "示例市中医院党委", "kind": "committee", "parent": None,
              "term_years": 5, "term_started": (today - timedelta(days=900)).isoformat()}]
    people = []
    branch_codes = []
    n = 0
    for gcode, gname, departments in GENERAL_BRANCHES:
        units.append({"code": gcode, "name": gname, "kind": "general_branch", "parent": "dw", "term_years": 3,
                      "term_started": (today - timedelta(days=rng.randint(200, 900))).isoformat()})
        for department in departments:
            n += 1
            code = f"b{n:02d}"
            branch_codes.append(code)
            # term end spread: a few overdue, several within 180 days, most later
            if n % 17 == 0:
                started = today - timedelta(days=3 * 365 + rng.randint(10, 60))  # overdue
            elif n % 6 == 0:
                started = today - timedelta(days=3 * 365 - rng.randint(20, 170))  # ends within 180 days
            else:
                started = today - timedelta(days=rng.randint(30, 3 * 365 - 200))
            name = department if department.endswith("党支部") else f"{department}党支部"
            units.append({"code": code, "name": name, "kind": "branch", "parent": gcode, "department": department,
                          "term_years": 3, "term_started": started.isoformat()})
    assert len(branch_codes) == 70

    def person(username, unit, membership="full", roles=(), name=None, email=True):
        people.append({
            "username": username, "name": name or _name(rng, used_names), "password": DEMO_PASSWORD,
            "email": f"{username}@hospital.example" if email else "", "unit": unit,
            "membership": membership, "roles": list(roles),
        })

    # party committee: 9 members
    person("shuji", "b64", roles=["party_secretary"], name="王建国")
    person("yuanzhang", "b62", roles=["president", "committee_member"], name="李振华")
    person("jiwei", "b69", roles=["discipline_secretary", "committee_member"], name="赵清风")
    for i, code in enumerate(["b01", "b10", "b19", "b28", "b37", "b46"], 1):
        person(f"weiyuan{i}", code, roles=["committee_member"])
    # office, organization, auditors, experts
    person("dangban", "b64", roles=["office_staff"], name="陈晓")
    person("dangban2", "b64", roles=["office_staff"])
    person("zuzhi", "b64", roles=["organization_staff"], name="周敏")
    person("shenji", "b69", roles=["auditor"], name="孙审")
    person("jijian", "b69", roles=["auditor"], name="吴纪")
    person("falv", "b65", membership="none", roles=["legal_counsel"], name="郑律")
    for i in range(1, 8):
        person(f"zhuanjia{i}", rng.choice(branch_codes), membership="full" if i % 2 else "none", roles=["expert"])

    # branches: secretary, committee, members; small branches (fewer than 7 full members) every 9th
    for idx, code in enumerate(branch_codes, 1):
        small = idx % 9 == 0
        full_count = rng.randint(3, 6) if small else rng.randint(9, 13)
        probationary = rng.randint(0, 2)
        person(f"sj_{code}", code, roles=["branch_secretary"])
        committee_size = 0 if small else rng.choice([2, 4])
        for m in range(1, full_count):  # the secretary is one of the full members
            roles = ["branch_committee_member"] if m <= committee_size else []
            person(f"{code}_m{m:02d}", code, roles=roles)
        for p in range(1, probationary + 1):
            person(f"{code}_y{p:02d}", code, membership="probationary")
    return {
        "hospital": "示例市中医院",
        "settings": {"large_fund_threshold": 500000, "meeting_notice_days": 3},
        "units": units,
        "people": people,
    }
