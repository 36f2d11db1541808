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


# Organisations of the United Nations system that have budgets of their own, outside the programme
# budget's political-affairs section: (Chinese names, the official English name, its abbreviation).
# A question about one of them is about a body the section does not budget for.
UN_SYSTEM_ENTITIES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("联合国儿童基金会", "儿基会"), "United Nations Children's Fund", "UNICEF"),
    (("联合国开发计划署", "开发署"), "United Nations Development Programme", "UNDP"),
    (("联合国难民事务高级专员办事处", "难民署", "难民专员办事处"), "Office of the United Nations High Commissioner for Refugees", "UNHCR"),
    (("世界粮食计划署", "粮食署", "粮食计划署"), "World Food Programme", "WFP"),
    (("联合国人口基金", "人口基金"), "United Nations Population Fund", "UNFPA"),
    (("联合国环境规划署", "环境署"), "United Nations Environment Programme", "UNEP"),
    (("世界卫生组织", "世卫组织"), "World Health Organization", "WHO"),
    (("联合国教育、科学及文化组织", "教科文组织"), "United Nations Educational, Scientific and Cultural Organization", "UNESCO"),
    (("联合国粮食及农业组织", "粮农组织"), "Food and Agriculture Organization of the United Nations", "FAO"),
    (("国际劳工组织", "劳工组织"), "International Labour Organization", "ILO"),
    (("联合国毒品和犯罪问题办公室", "毒品和犯罪问题办公室"), "United Nations Office on Drugs and Crime", "UNODC"),
    (("联合国人类住区规划署", "人居署"), "United Nations Human Settlements Programme", "UN-Habitat"),
    (("联合国贸易和发展会议", "贸发会议"), "United Nations Conference on Trade and Development", "UNCTAD"),
    (("非洲经济委员会", "非洲经委会"), "Economic Commission for Africa", "ECA"),
    (("欧洲经济委员会", "欧洲经委会"), "Economic Commission for Europe", "ECE"),
    (("拉丁美洲和加勒比经济委员会", "拉加经委会"), "Economic Commission for Latin America and the Caribbean", "ECLAC"),
    (("亚洲及太平洋经济社会委员会", "亚太经社会"), "Economic and Social Commission for Asia and the Pacific", "ESCAP"),
    (("西亚经济社会委员会", "西亚经社会"), "Economic and Social Commission for Western Asia", "ESCWA"),
    (("联合国近东巴勒斯坦难民救济和工程处", "近东救济工程处"), "United Nations Relief and Works Agency for Palestine Refugees in the Near East", "UNRWA"),
    (("人道主义事务协调厅", "人道协调厅"), "Office for the Coordination of Humanitarian Affairs", "OCHA"),
    (("联合国人权事务高级专员办事处", "人权高专办"), "Office of the United Nations High Commissioner for Human Rights", "OHCHR"),
    (("国际原子能机构", "原子能机构"), "International Atomic Energy Agency", "IAEA"),
)
