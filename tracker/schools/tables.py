"""Schools (any addressed institution) and groups of schools."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Serial, Varchar
from piccolo.table import Table


class SchoolGroup(Table, tablename="school_group"):
    """«Все СОШ», «ДОУ», «Учреждения ДО»: a set of schools a decision can be addressed to."""

    id: Serial
    name = Varchar(length=200, unique=True)
    position = Integer(default=0)


class School(Table, tablename="school"):
    id: Serial
    name = Varchar(length=500)
    """The full official name: «Муниципальное бюджетное общеобразовательное учреждение …»."""
    short_name = Varchar(length=200, unique=True)
    """What protocols and people write: «МБОУ СОШ № 2»."""
    email = Varchar(length=254, default="")
    is_active = Boolean(default=True)


class SchoolGroupMember(Table, tablename="school_group_member"):
    """A school in a group (unique pair, see migration 0002)."""

    id: Serial
    group = ForeignKey(SchoolGroup, on_delete=OnDelete.cascade)
    school = ForeignKey(School, on_delete=OnDelete.cascade)
