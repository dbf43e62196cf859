"""The cycle's pages. Access to every page is enforced by :class:`goldenthread.access.middleware.AccessMiddleware`
(rules in :data:`goldenthread.access.rules.PAGES`); views check object-level permissions again before
acting, and every write goes through :mod:`goldenthread.cycles.services` in one transaction.

One module a family of pages: :mod:`.running` (a plan's cycle, its periods, reminders, publishing,
what is overdue), :mod:`.updates` (a unit's update and the decision on it), :mod:`.reviews`
(accountability reviews and actions), :mod:`.history` and :mod:`.public`; :mod:`.lookup` finds
what an address names.
"""
