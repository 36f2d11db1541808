"""Official English names of the entities that head the parts of budget sections.

The part title is printed in Chinese only; its English name is looked up by the Chinese title
(whitespace-insensitive), never by the part's position.
"""

from __future__ import annotations

OFFICIAL_ENGLISH_NAMES: dict[str, str] = {
    "政治和建设和平事务部": "Department of Political and Peacebuilding Affairs",
    "特别政治任务": "Special political missions",
    "联合国中东和平进程特别协调员办事处": "Office of the United Nations Special Coordinator for the Middle East Peace Process",
    "联合国关于在巴勒斯坦被占领土修建隔离墙造成的损失登记册": (
        "United Nations Register of Damage Caused by the Construction of the Wall in the Occupied "
        "Palestinian Territory"
    ),
    "联合国驻非洲联盟办事处": "United Nations Office to the African Union",
    "反恐怖主义办公室": "Office of Counter-Terrorism",
    "和平行动部": "Department of Peace Operations",
    "维持和平行动": "Peacekeeping operations",
    "裁军事务厅": "Office for Disarmament Affairs",
}


def english_name(chinese_title: str) -> str:
    """Official English name of the entity titled `chinese_title`; "" when it is not known."""
    return OFFICIAL_ENGLISH_NAMES.get("".join(chinese_title.split()), "")
