"""The Jilin 2022 structure of the founding article (../shared/seed/article.txt): orgs, assignments, demo users.

Codes are stable so that `load_demo` can be run again without duplicating anything.
"""

# (code, name, short_name) of the host departments and banks / state-owned groups (驻在部门).
DEPARTMENTS = [
    ("D-WJW", "吉林省卫生健康委员会", "省卫健委"),
    ("D-YBJ", "吉林省医疗保障局", "省医保局"),
    ("D-JYT", "吉林省教育厅", "省教育厅"),
    ("D-STHJT", "吉林省生态环境厅", "省生态环境厅"),
    ("D-YJT", "吉林省应急管理厅", "省应急管理厅"),
    ("D-NYNCT", "吉林省农业农村厅", "省农业农村厅"),
    ("D-GXT", "吉林省工业和信息化厅", "省工信厅"),
    ("D-JTYST", "吉林省交通运输厅", "省交通运输厅"),
    ("D-SWT", "吉林省商务厅", "省商务厅"),
    ("D-RST", "吉林省人力资源和社会保障厅", "省人社厅"),
    ("D-KJT", "吉林省科学技术厅", "省科技厅"),
    ("D-KX", "吉林省科学技术协会", "省科协"),
    ("D-ZFBGT", "吉林省人民政府办公厅", "省政府办公厅"),
    ("D-JGSW", "吉林省机关事务管理局", "省机关事务管理局"),
    ("D-ZSJ", "吉林省政务服务和数字化建设管理局", "省政数局"),
    ("D-LCJ", "吉林省林业和草原局", "省林草局"),
    ("D-GAT", "吉林省公安厅", "省公安厅"),
    ("D-SZJGGW", "中共吉林省直属机关工作委员会", "省直机关工委"),
    ("D-GZW", "吉林省人民政府国有资产监督管理委员会", "省国资委"),
    ("D-JLBANK", "吉林银行股份有限公司", "吉林银行"),
    ("D-STJT", "吉林省投资集团有限公司", "省投集团"),
    ("D-SGJT", "中国吉林森林工业集团有限责任公司", "吉林森工集团"),
    ("D-LYKG", "吉林省旅游控股集团有限公司", "省旅游控股集团"),
    ("D-JSCM", "吉视传媒股份有限公司", "吉视传媒"),
]

# (code, name, short_name, parent_code) of units under a department, and localities (属地, parent None).
UNITS = [
    ("U-CCSFDX", "长春师范大学", "长春师范大学", "D-JYT"),
    ("U-QYQ", "吉林森工集团泉阳泉饮品有限公司", "泉阳泉饮品公司", "D-SGJT"),
    ("U-QCJS", "吉林省全程建设工程咨询有限公司", "全程建设公司", "D-STJT"),
    ("U-JSYPSC", "吉视传媒节目生产中心", "节目生产部门", "D-JSCM"),
    ("U-CC", "长春市人民政府", "长春市", None),
    ("U-CC-NG", "长春市南关区", "南关区", "U-CC"),
    ("U-CC-KC", "长春市宽城区", "宽城区", "U-CC"),
    ("U-CC-CY", "长春市朝阳区", "朝阳区", "U-CC"),
    ("U-CC-ED", "长春市二道区", "二道区", "U-CC"),
    ("U-CC-LY", "长春市绿园区", "绿园区", "U-CC"),
    ("U-CC-SY", "长春市双阳区", "双阳区", "U-CC"),
    ("U-CC-JT", "长春市九台区", "九台区", "U-CC"),
    ("U-CC-XQ", "长春新区", "长春新区", "U-CC"),
    ("U-CC-JK", "长春经济技术开发区", "经开区", "U-CC"),
    ("U-CC-NK", "长春净月高新技术产业开发区", "净月区", "U-CC"),
    ("U-CC-SY-SL", "长春市双阳区奢岭街道", "奢岭街道", "U-CC-SY"),
    ("U-FAW", "中国第一汽车集团有限公司", "一汽集团", None),
    ("U-SYYD", "上药集团吉林有限公司云顶街库房", "上药集团云顶街库房", None),
    ("U-WALMART-LHJ", "沃尔玛（吉林）百货有限公司临河街店", "沃尔玛临河街店", None),
]

# (code, name, short_name, parent_code, supervised org codes, demo account prefix, leader name or "")
# Discipline bodies inside state-owned groups and universities work like groups (DESIGN §2).
GROUPS = [
    ("G-WJW", "省纪委监委驻省卫健委纪检监察组", "驻省卫健委组", "JW", ["D-WJW", "D-YBJ"], "wjw", "赫军"),
    ("G-JYT", "省纪委监委驻省教育厅纪检监察组", "驻省教育厅组", "JW", ["D-JYT"], "jyt", ""),
    ("G-STHJT", "省纪委监委驻省生态环境厅纪检监察组", "驻省生态环境厅组", "JW", ["D-STHJT"], "sthjt", ""),
    ("G-YJT", "省纪委监委驻省应急管理厅纪检监察组", "驻省应急管理厅组", "JW", ["D-YJT"], "yjt", ""),
    ("G-NYNCT", "省纪委监委驻省农业农村厅纪检监察组", "驻省农业农村厅组", "JW", ["D-NYNCT"], "nynct", "张景隆"),
    ("G-GXT", "省纪委监委驻省工信厅纪检监察组", "驻省工信厅组", "JW", ["D-GXT"], "gxt", "高青岩"),
    ("G-JTYST", "省纪委监委驻省交通运输厅纪检监察组", "驻省交通运输厅组", "JW", ["D-JTYST"], "jtyst", ""),
    ("G-SWT", "省纪委监委驻省商务厅纪检监察组", "驻省商务厅组", "JW", ["D-SWT"], "swt", "王燕"),
    ("G-RST", "省纪委监委驻省人社厅纪检监察组", "驻省人社厅组", "JW", ["D-RST"], "rst", ""),
    ("G-KJT", "省纪委监委驻省科技厅纪检监察组", "驻省科技厅组", "JW", ["D-KJT", "D-KX"], "kjt", ""),
    (
        "G-ZFBGT",
        "省纪委监委驻省政府办公厅纪检监察组",
        "驻省政府办公厅组",
        "JW",
        ["D-ZFBGT", "D-JGSW"],
        "zfbgt",
        "",
    ),
    ("G-ZSJ", "省纪委监委驻省政数局纪检监察组", "驻省政数局组", "JW", ["D-ZSJ"], "zsj", ""),
    ("G-LCJ", "省纪委监委驻省林草局纪检监察组", "驻省林草局组", "JW", ["D-LCJ"], "lcj", ""),
    ("G-GAT", "省纪委监委驻省公安厅纪检监察组", "驻省公安厅组", "JW", ["D-GAT"], "gat", ""),
    ("G-SZJG", "省直机关纪检监察工委", "省直机关纪检监察工委", "JW", ["D-SZJGGW"], "szjg", ""),
    ("G-GZW", "省纪委监委驻省国资委纪检监察组", "驻省国资委组", "JW", ["D-GZW"], "gzw", ""),
    ("G-JLBANK", "省纪委监委驻吉林银行纪检监察组", "驻吉林银行组", "JW", ["D-JLBANK"], "jlbank", ""),
    ("G-STJT", "省纪委监委驻省投集团纪检监察组", "驻省投集团组", "JW", ["D-STJT"], "stjt", ""),
    ("G-SGJT", "吉林森工集团纪委", "森工集团纪委", "D-SGJT", ["U-QYQ"], "sgjt", ""),
    ("G-LYKG", "吉林省旅游控股集团有限公司纪委", "旅游控股集团纪委", "D-LYKG", ["D-LYKG"], "lykg", ""),
    ("G-JSCM", "吉视传媒股份有限公司纪委", "吉视传媒纪委", "D-JSCM", ["U-JSYPSC"], "jscm", ""),
    ("G-CCSFDX", "长春师范大学纪委", "长春师范大学纪委", "U-CCSFDX", ["U-CCSFDX"], "ccsfdx", ""),
]

COMMISSION = ("JW", "吉林省纪委监委", "省纪委监委")
OFFICE = ("JW-PZJG", "派驻机构管理室", "派驻机构管理室")

DEMO_PASSWORD = "Jiandu@2022"
# The published TOTP secret of every demo account that needs the 动态验证码 (JIANDU_TOTP_ROLES): the bytes
# b"jiandu-demo-totp-key", base32 NJUWC3TEOUWWIZLNN4WXI33UOAWWWZLZ. `manage.py demo_otp USERNAME` prints the code.
DEMO_TOTP_KEY_HEX = b"jiandu-demo-totp-key".hex()
DEMO_TOTP_SECRET = "NJUWC3TEOUWWIZLNN4WXI33UOAWWWZLZ"

# The accounts the README lists: (username, full name, role, org code, what to try with it).
NAMED_USERS = [
    ("leader", "委领导（演示）", "commission_leader", "JW", "委领导：全省只读、驾驶舱"),
    ("office", "派驻机构管理室（演示）", "office_staff", "JW-PZJG", "管理室：机构、监督关系、用户与授权"),
    ("sysadmin", "系统管理员（演示）", "system_admin", "JW", "系统管理员：用户、机构树；不看业务数据"),
    ("secadmin", "安全保密管理员（演示）", "security_admin", "JW", "安全保密管理员：角色授权"),
    ("auditor", "安全审计员（演示）", "audit_admin", "JW", "安全审计员：只看审计日志"),
]
