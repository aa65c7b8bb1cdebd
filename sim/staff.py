"""The staff: every employee as one row of numpy arrays, the single home of their state.

Marketers, salespeople and service staff are few (tens to thousands) but every weekly mechanism asks
the same question of all of them, so their state lives here as columns, in id order, and the
mechanisms are array functions over it. The Mesa agents (`sim.agents`) are views onto their row, so an
agent's attribute is the very value the mechanisms read and write: there is no second copy to keep in
step. Roles share one table because most of the week (meetings, trust, morale, blame, quits) acts on
everyone alike; role-specific columns simply stay at their defaults for the other roles.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from sim.compiled import kernel

if TYPE_CHECKING:
    from sim.params import Params

FEATURES = 4  # dimensions of an account's hidden profile (and of a marketer's scoring model)


class Role(StrEnum):
    """Department an employee belongs to (in `merged` people keep their role inside one unit)."""

    MARKETING = "marketing"
    SALES = "sales"
    SERVICE = "service"


#: Role -> its code in the `role` column, in the order everything per role is listed.
ROLES = tuple(Role)
CODE = {role: i for i, role in enumerate(ROLES)}
N_ROLES = len(ROLES)

#: Column -> (dtype, value of a new hire). `ramp` and `productivity` are set each week by `begin_week`;
#: a new hire's trust, perceived lead quality, ignored share and feedback signal come from the
#: registry (`sim/constants/initial.toml`), set by `Staff.add`.
COLUMNS: dict[str, tuple[type, float]] = {
    "uid": (np.int64, 0),
    "role": (np.int8, 0),
    "hired_week": (np.int64, 0),
    "skill": (np.float64, 1.0),
    "morale": (np.float64, 0.6),
    "trust": (np.float64, 0.0),  # in the other department
    "training_gain": (np.float64, 0.0),  # skill added by a training, decaying unless reinforced
    "conflict": (np.float64, 0.0),  # recent blame received or given (decaying)
    "hostility": (np.float64, 0.0),  # how far conflict reaches this person's work this week, 0..1
    "meeting_hours": (np.float64, 0.0),  # joint meeting time actually attended this week
    "ramp": (np.float64, 0.0),
    "productivity": (np.float64, 0.0),
    # sales
    "open": (np.int64, 0),  # open opportunities owned
    "bookings": (np.float64, 0.0),  # contract value won this quarter
    "last_attainment": (np.float64, 1.0),  # bookings / quota of the last completed quarter
    "perceived": (np.float64, 0.0),  # own experience of marketing leads' quality, 0..1
    "reports": (np.int64, 0),  # feedback written this week
    # marketing
    "ignored": (np.float64, 0.0),  # recent share of own leads that sales let leak
    "feedback_signal": (np.float64, 0.0),  # recent rate of reports coming back from sales
    # service
    "load": (np.float64, 0.0),  # this week's customers, onboarding ones weighted
    "gap_share": (np.float64, 0.0),  # share of own customers still waiting for a promise
}


#: The table's row type: one field per column.
DTYPE = np.dtype([(name, dtype) for name, (dtype, _) in COLUMNS.items()])
#: A new hire's row, before their id, role, start, skill, morale and initial beliefs are filled in.
_NEW_HIRE = np.array([tuple(default for _, default in COLUMNS.values())], dtype=DTYPE)


class Staff:
    """All employees as one table (a numpy structured array, one row per person in id order, see
    `COLUMNS`), plus each marketer's scoring model. Each column is also an attribute (`staff.morale`),
    a view into the table: assigning to it writes into the table."""

    def __init__(self) -> None:
        self.table = np.zeros(0, dtype=DTYPE)
        self.scoring = np.empty((0, FEATURES))  # own estimate of the market's taste (marketers)
        self.row_of = np.empty(0, dtype=np.int64)  # unique id -> row; -1 for anyone not on staff
        self._rows = {role: np.empty(0, dtype=np.int64) for role in ROLES}  # rows by role (`_index`)
        # The Mesa agent that is each row's view. A list, not an object array: agents refer back to
        # the model, and only a list lets Python's cycle collector free a finished model.
        self.agents: list = []

    def __len__(self) -> int:
        return self.table.size

    def rows(self, role: Role) -> np.ndarray:
        """Rows of one role, ascending (so in id order: per-person draws stay reproducible);
        read-only, indexed with `row_of` whenever people join or leave."""
        return self._rows[role]

    def by_role(self) -> dict[Role, np.ndarray]:
        """`rows` of every role, as they stand now."""
        return dict(self._rows)

    def add(
        self,
        agents: list,
        role: Role,
        hired_week: int | np.ndarray,
        skill: np.ndarray,
        morale: np.ndarray,
        p: Params,
        scoring: np.ndarray | None = None,
    ) -> None:
        """Append new people, whose Mesa `agents` were just created (so their ids are ascending and
        above everyone's), with a new hire's defaults and the initial beliefs the parameters `p` give."""
        n = len(agents)
        new = np.repeat(_NEW_HIRE, n)
        new["uid"] = [agent.unique_id for agent in agents]
        new["role"], new["hired_week"], new["skill"], new["morale"] = CODE[role], hired_week, skill, morale
        new["trust"], new["perceived"] = p.new_hire_trust, p.new_hire_perceived_lead_quality
        new["ignored"], new["feedback_signal"] = p.new_hire_ignored_share, p.new_hire_feedback_signal
        self.table = append(self.table, new)
        self.agents += agents
        extra = np.zeros((n, FEATURES)) if scoring is None else scoring
        self.scoring = np.concatenate([self.scoring, extra])
        self._index()

    def remove(self, rows: np.ndarray) -> None:
        """Drop the people in `rows`; everyone else keeps their order."""
        keep = np.ones(len(self), dtype=bool)
        keep[rows] = False
        self.row_of[self.uid[rows]] = -1
        self.table = self.table[keep]
        self.scoring = self.scoring[keep]
        self.agents = [agent for agent, stays in zip(self.agents, keep.tolist(), strict=True) if stays]
        self._index()

    def _index(self) -> None:
        size = int(self.table[-1]["uid"]) + 1 if len(self) else 0
        if self.row_of.size < size:
            self.row_of = np.concatenate([self.row_of, np.full(size - self.row_of.size, -1)])
        for role, rows in zip(ROLES, _index(self.table, self.row_of), strict=True):
            rows.flags.writeable = False
            self._rows[role] = rows


@kernel
def _index(table, row_of):
    """Point each person's id at their row in `row_of`; return the rows of each role, ascending, in
    the order of `ROLES`."""
    count = np.zeros(N_ROLES, dtype=np.int64)
    for r in range(table.size):
        row_of[table[r].uid] = r
        count[table[r].role] += 1
    rows = [np.empty(count[i], dtype=np.int64) for i in range(N_ROLES)]
    count[:] = 0
    for r in range(table.size):
        role = table[r].role
        rows[role][count[role]] = r
        count[role] += 1
    return rows[0], rows[1], rows[2]


def append(table: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`table` with the rows `new` after its own (as `np.concatenate`, which is several times slower
    for structured arrays: it first works out a common record type)."""
    out = np.empty(table.size + new.size, dtype=table.dtype)
    out[: table.size], out[table.size :] = table, new
    return out


def _column(name: str) -> property:
    def get(staff: Staff) -> np.ndarray:
        return staff.table[name]

    def set_(staff: Staff, values: np.ndarray) -> None:
        staff.table[name] = values

    return property(get, set_, doc=f"The `{name}` column (a view into the table).")


for _name in COLUMNS:
    setattr(Staff, _name, _column(_name))
