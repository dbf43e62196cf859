"""Who may see and do what: the one place every page, endpoint, service and presenter asks.

* :mod:`~goldenthread.access.roles` — the roles (Django groups), memberships, and :func:`person`;
* :mod:`~goldenthread.access.rules` — the ``may_*`` checks on plans, units, updates and actions;
* :mod:`~goldenthread.access.policy` — every page's rule by URL name, deny by default, and the
  refusal page;
* :mod:`~goldenthread.access.middleware` — enforces the policy before any view runs;
* :mod:`~goldenthread.access.decorators` — ``plan_view`` and ``signed_in`` for the views.

Services and presenters import ``roles`` and ``rules`` only; the policy, middleware and
decorators sit above the presenters, beside the views (see the import contracts in
``.importlinter``).
"""
