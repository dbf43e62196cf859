"""Assurance: statistical process control for the plan's measures.

``goldenthread.assurance.spc`` is the Making Data Count SPC engine (XmR
charts, special-cause rules, variation and assurance icons), matching the
NHS-R community's R package NHSRplotthedots 0.2.x (``ptd_spc``).  Import
the functions from that module::

    from goldenthread.assurance.spc import spc, spc_many

(They are deliberately not re-exported here: the submodule and its main
function share the name ``spc``.)  The engine's parts are ``xmr``,
``special_cause``, ``icons``, ``inputs``, ``rebase``, ``segments`` and
``results``; ``judgement`` adds targets, trajectories and a plan's triggers,
and ``csvtool`` is ``goldenthread spc``.  ``charts`` (with ``limits``, ``runs`` and
``chartinput``) gives qicharts2's p, p′, u, u′, c, g, t and run charts with the Anhøj rules, and
XmR through the same interface, for many series at once (``charts.chart_many``); ``charttool``
is ``goldenthread spc --chart``.  This package depends only on NumPy
and the standard library.
"""
