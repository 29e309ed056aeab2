"""Product pain: speed, integrations, mobile, exports, the editor migration, the AI assistant.

Fragment pools; see ``theme.py`` for the registers.
"""
from __future__ import annotations

from .theme import Theme

THEMES = [
    Theme(
        key="slow_dashboards", label="Slow dashboards and reports", stage="adoption", sentiment="negative",
        weight=1.3, trend={"2025Q4": 1.5, "2026Q1": 1.2, "2026Q2": 0.7, "2026Q3": 0.6},
        topics=["the dashboard load times", "report performance", "the slow reports"],
        slots={
            "when": ["", "", " every Monday morning", " when we filter by site", " during our weekly ops review",
                     " once you add more than a couple of filters", " at month end"],
            "wait": ["30 seconds", "almost a minute", "a full minute", "two minutes", "40+ seconds", "45 seconds"],
            "report": ["the regional dashboard", "the site performance report", "the throughput dashboard",
                       "the weekly ops report", "the main dashboard", "the SLA report"],
        },
        core=[
            "Dashboards take forever to load{when}.",
            "It takes {wait} to open {report}.",
            "The reporting pages are painfully slow{when}.",
            "{report} spins for ages before anything shows up.",
            "Performance of the dashboards has been really bad lately.",
            "Loading {report} is so slow that people just give up.",
            "Drill-downs time out{when}.",
            "Reports are sluggish, we sit there waiting {wait} for charts to render.",
            "Everything analytics-related is slow{when}.",
            "Speed. The dashboards crawl{when}.",
        ],
        details=[
            "Filtering by region alone takes {wait}.",
            "It got noticeably worse after the spring release.",
            "Our exec review keeps stalling while the charts render.",
            "Sometimes the page just times out and we have to refresh.",
            "Even small sites with a few hundred rows are slow.",
        ],
        impacts=[
            "My team has gone back to exporting everything to spreadsheets.",
            "It makes the tool hard to defend internally.",
            "People stopped opening it before meetings.",
            "We lose a good chunk of every review waiting on it.",
        ],
        requests=[
            "I wish the dashboards loaded in a few seconds like they used to.",
            "Please add some caching for the big reports.",
            "We need reports that load in under ten seconds.",
            "It would be great if large dashboards showed the first chart while the rest catches up.",
            "We can't run the weekly review live anymore, which is a blocker for us.",
            "Missing a lightweight view for big sites that actually loads.",
        ],
        insights=[
            "Ops leads lose time every week waiting for dashboards to load.",
            "Dashboard performance is the main reason the team falls back to spreadsheets.",
            "Slow report rendering undermines the weekly review, where the tool should shine.",
            "Large multi-site accounts hit timeouts on drill-downs.",
        ],
        needs=[
            "The team needs the weekly ops report to load fast enough to present live.",
            "Customer asked for caching on large multi-site reports.",
        ],
        observations=[
            "Practitioner waited about {wait} for {report} to render and switched to Excel meanwhile.",
            "Sponsor refreshed {report} three times before it loaded.",
            "During the walkthrough the drill-down timed out twice.",
            "Participants kept talking over a loading spinner on {report}.",
        ],
        tickets=[
            "{report} times out after 60 seconds when filtering by site.",
            "Dashboards extremely slow since yesterday, {wait} to load.",
            "Drill-down on {report} never finishes loading, just a spinner.",
            "Performance issue: the weekly ops report takes minutes to render for our 40 sites.",
        ],
        actions=["Share the dashboard timings with the analytics squad", "Check caching options for the regional report"],
        foreign=[
            ("es", "Los tableros tardan muchísimo en cargar.", 0),
            ("de", "Die Dashboards laden extrem langsam, besonders montags.", 0),
            ("fr", "Les tableaux de bord sont beaucoup trop lents à charger.", 0),
        ],
    ),
    Theme(
        key="salesforce_sync", label="Salesforce integration breaks", stage="adoption", sentiment="negative",
        weight=0.9, trend={"2025Q4": 1.4, "2026Q1": 1.3},
        topics=["the Salesforce sync", "the CRM integration"],
        slots={
            "obj": ["opportunities", "accounts", "contacts", "custom objects", "renewal dates"],
            "freq": ["every few days", "twice last week", "after every release", "randomly",
                     "at least once a week"],
        },
        core=[
            "The Salesforce integration keeps breaking.",
            "Salesforce sync fails {freq} and nobody notices until the data is wrong.",
            "Our {obj} stop syncing from Salesforce {freq}.",
            "The CRM sync is unreliable, fields come through empty.",
            "The Salesforce connector drops {obj} without any error.",
            "Every time Salesforce changes a field the integration falls over.",
            "Salesforce data is always out of date in Brightloop.",
        ],
        details=[
            "We have to re-authenticate the connector manually.",
            "The sync log just says partial success with no details.",
            "Duplicate {obj} show up after a failed sync.",
            "It fails silently, which is the worst part.",
        ],
        impacts=[
            "Our sales ops team no longer trusts the numbers.",
            "We spend hours reconciling the two systems.",
            "Forecast meetings run on stale data because of it.",
        ],
        requests=[
            "We need an alert when the Salesforce sync fails.",
            "Please add support for custom objects in the Salesforce connector.",
            "I wish the sync showed which records failed and why.",
            "It would be great if the CRM sync ran every few minutes instead of nightly.",
            "We can't map our custom fields to Salesforce, which is a blocker for the rollout.",
        ],
        insights=[
            "Salesforce sync failures erode trust in the data across sales ops.",
            "Silent CRM sync errors force manual reconciliation every week.",
        ],
        needs=[
            "The team wants an alert when the Salesforce sync fails and a list of skipped records.",
            "Sales ops needs custom objects supported in the Salesforce connector.",
        ],
        observations=[
            "Admin showed the sync log with repeated partial success entries and no detail.",
            "Sponsor pulled up two different {obj} counts, one in Salesforce and one in Brightloop.",
        ],
        tickets=[
            "Salesforce sync failing with INVALID_SESSION_ID since this morning.",
            "{obj} not updating from Salesforce, last successful sync 3 days ago.",
            "Salesforce connector creates duplicate records after reconnecting.",
            "Sync error: field mapping for custom object rejected by Salesforce.",
        ],
        actions=["Pull the Salesforce sync logs for the last month", "Loop in the integrations team on field mapping"],
        foreign=[
            ("de", "Die Salesforce-Synchronisierung bricht ständig ab.", 0),
            ("es", "La integración con Salesforce falla cada semana.", 0),
        ],
    ),
    Theme(
        key="slack_notifications", label="Unreliable Slack notifications", stage="adoption", sentiment="negative",
        weight=0.7,
        topics=["the Slack alerts", "the Slack integration"],
        slots={
            "channel": ["#ops-alerts", "our shift channel", "the escalations channel", "#site-leads"],
            "freq": ["every morning", "all day", "for every small change"],
        },
        core=[
            "Slack notifications are unreliable, half of them never arrive.",
            "The Slack app posts duplicate alerts {freq}.",
            "Slack alerts go to the wrong channel since we renamed it.",
            "We miss escalations because the Slack integration silently stops.",
            "The Slack integration spams {channel} with noise.",
            "Notifications in Slack arrive hours late.",
            "Since the last update the Slack bot has stopped posting to {channel}.",
        ],
        details=[
            "Reconnecting the app fixes it for a day or two.",
            "There's no way to see which alerts were sent.",
            "Some people get every alert twice, others get nothing.",
        ],
        impacts=[
            "Shift leads have muted the channel entirely.",
            "We missed a critical escalation because of it.",
            "People don't trust the alerts anymore.",
        ],
        requests=[
            "Please add a digest option for Slack notifications.",
            "We need to choose which events go to Slack.",
            "I wish Slack alerts had a link straight to the task.",
            "It would be great if notifications could go to a different Slack channel per site.",
            "Missing a log of which Slack alerts were delivered.",
        ],
        insights=[
            "Unreliable Slack alerts lead teams to mute the channel and miss escalations.",
            "Alert noise in Slack has trained the team to ignore notifications.",
        ],
        needs=[
            "Customers want control over which events reach Slack.",
            "Shift leads asked for a daily Slack digest instead of individual alerts.",
        ],
        observations=[
            "Practitioner scrolled through {channel} showing the same alert posted three times.",
            "The team lead admitted the Slack channel had been muted for weeks.",
        ],
        tickets=[
            "Slack integration stopped posting to {channel} after workspace rename.",
            "Duplicate Slack notifications for every task update.",
            "Slack app shows token revoked, alerts not delivered.",
        ],
        actions=["Check the Slack app token for the workspace", "Send the notification settings guide"],
        foreign=[
            ("fr", "Les notifications Slack n'arrivent pas ou arrivent en double.", 0),
            ("de", "Slack-Benachrichtigungen kommen oft gar nicht an.", 0),
        ],
    ),
    Theme(
        key="mobile_app", label="Limited and crashing mobile app", stage="adoption", sentiment="negative",
        weight=0.8, trend={"2026Q2": 1.3, "2026Q3": 1.2},
        topics=["the mobile app", "using it in the field"],
        slots={"os": ["iOS", "Android", "iPad"]},
        core=[
            "The mobile app crashes constantly on {os}.",
            "The mobile app is basically useless on the shop floor.",
            "The app on {os} is missing half the features of the web version.",
            "Our technicians can't do anything offline in the mobile app.",
            "The mobile app logs people out every day.",
            "Photos uploaded from the app often disappear.",
            "The app is slow and clunky compared to the website.",
        ],
        details=[
            "It crashes as soon as you open a checklist.",
            "Signal is bad in our warehouses so offline matters.",
            "The latest update made it worse.",
        ],
        impacts=[
            "Field staff write things on paper and type them in later.",
            "Adoption in the field is close to zero.",
            "Supervisors have given up on it.",
        ],
        requests=[
            "We need offline mode in the mobile app.",
            "Please add checklists to the mobile app.",
            "I wish the app supported barcode scanning.",
            "It would be great if the mobile app had the same views as the web.",
            "Missing push notifications for assigned tasks.",
            "Our field team can't complete audits in the app, which is a blocker.",
        ],
        insights=[
            "Field teams avoid the mobile app because it lacks offline mode.",
            "Gaps in the mobile app keep frontline staff on paper.",
        ],
        needs=[
            "Field teams need offline mode in the mobile app.",
            "Supervisors asked for checklists and barcode scanning in the app.",
        ],
        observations=[
            "The technician's app crashed while opening a checklist during the demo.",
            "Supervisor showed a paper form they still use because the app lacks it.",
        ],
        tickets=[
            "Mobile app crashes on launch after the update ({os}).",
            "Photos uploaded from the {os} app are not visible on the web.",
            "App keeps logging out field users.",
        ],
        actions=["Share the mobile roadmap with the sponsor", "Collect crash logs from the field devices"],
        foreign=[
            ("es", "La aplicación móvil se cierra sola todo el tiempo.", 0),
            ("fr", "L'application mobile plante dès qu'on ouvre une checklist.", 0),
        ],
    ),
    Theme(
        key="data_export", label="Data export limitations", stage="adoption", sentiment="negative",
        weight=0.8,
        topics=["data exports", "getting data out"],
        slots={"tool": ["Power BI", "Tableau", "Excel", "our data warehouse", "Snowflake"]},
        core=[
            "Exporting data is way harder than it should be.",
            "The CSV export cuts off at 10,000 rows.",
            "Exports lose our filters and custom columns.",
            "There's no decent way to get our data into {tool}.",
            "The export to Excel mangles the dates.",
            "Scheduled exports fail without telling anyone.",
            "Getting raw data out for our BI team is a nightmare.",
        ],
        details=[
            "Dates come out in the wrong format.",
            "Large exports time out.",
            "The API is rate limited to the point of being useless.",
        ],
        impacts=[
            "Our analysts rebuild the same reports by hand every week.",
            "Finance can't reconcile anything without the raw data.",
            "We pay someone to copy numbers across.",
        ],
        requests=[
            "We need a full export of our data to {tool}.",
            "Please add scheduled exports to S3.",
            "I wish exports kept the filters I applied.",
            "It would be great if we could export to Excel with proper date formats.",
            "We can't get raw data into our warehouse, which is a blocker for the BI team.",
            "Missing an API endpoint for bulk export.",
        ],
        insights=[
            "The BI team needs raw data in {tool}; current exports fall short.",
            "Export limits force analysts to rebuild reports by hand.",
        ],
        needs=[
            "The BI team needs scheduled exports into their warehouse.",
            "Analysts asked for exports that keep filters and date formats.",
        ],
        observations=[
            "Analyst exported a report and spent ten minutes fixing dates in Excel.",
            "The export of the full site list stopped at 10,000 rows.",
        ],
        tickets=[
            "CSV export truncated at 10,000 rows.",
            "Scheduled export to {tool} failed with no error message.",
            "Excel export shows dates as numbers.",
        ],
        actions=["Send the bulk export API docs", "Check the export row limit with engineering"],
        foreign=[
            ("de", "Der Export nach Excel ist unbrauchbar, die Datumsangaben sind falsch.", 0),
            ("es", "Necesitamos exportar los datos a Excel sin perder los filtros.", 1),
        ],
    ),
    Theme(
        key="legacy_editor_migration", label="Legacy editor migration pain", stage="adoption", sentiment="negative",
        lifecycle="fading", weight=1.0,
        trend={"2025Q2": 1.8, "2025Q3": 1.4, "2025Q4": 0.9, "2026Q1": 0.5, "2026Q2": 0.0, "2026Q3": 0.0},
        topics=["the editor migration", "the move off the classic editor"],
        core=[
            "The forced move from the classic editor broke our templates.",
            "Migrating from the legacy editor has been painful.",
            "We lost formatting on dozens of forms when the old editor was retired.",
            "The new editor is missing things we used daily in the classic one.",
            "The migration tool didn't carry over our conditional fields.",
            "Half our workflow templates came over broken from the old editor.",
        ],
        details=[
            "We're still rebuilding templates by hand.",
            "The migration guide doesn't cover nested sections.",
            "Some forms now render differently for field staff.",
        ],
        impacts=[
            "We put the rollout on hold until the migration is done.",
            "It's eaten weeks of our admin's time.",
        ],
        requests=[
            "Please keep the classic editor available until the migration tool works.",
            "We need a migration tool that handles conditional fields.",
            "I wish we had more time before the legacy editor shuts off.",
            "It would be great if the migration showed which templates broke.",
        ],
        insights=[
            "The legacy editor retirement broke templates and consumed admin time.",
            "Conditional fields did not survive the editor migration.",
        ],
        needs=[
            "Admins need a migration tool that handles conditional fields.",
            "Customer asked to keep the classic editor until templates are migrated.",
        ],
        observations=[
            "Admin showed a template whose sections came over in the wrong order after the migration.",
            "Practitioner still keeps a PDF of the old form for reference.",
        ],
        tickets=[
            "Template broken after migration from the classic editor.",
            "Conditional fields missing after the legacy editor migration.",
            "Migrated form renders sections in the wrong order.",
        ],
        actions=["Send the template migration checklist", "Ask engineering about conditional field migration"],
        foreign=[
            ("de", "Die Umstellung vom alten Editor hat unsere Vorlagen zerstört.", 0),
            ("fr", "La migration depuis l'ancien éditeur a cassé nos modèles.", 0),
        ],
    ),
    Theme(
        key="ai_assistant_errors", label="AI assistant gives wrong answers", stage="adoption", sentiment="negative",
        lifecycle="emerging", weight=1.0,
        trend={"2025Q2": 0.0, "2025Q3": 0.0, "2025Q4": 0.0, "2026Q1": 0.0, "2026Q2": 0.0, "2026Q3": 2.0},
        topics=["the AI assistant", "the assistant's answers"],
        core=[
            "The new AI assistant gives wrong answers with total confidence.",
            "The AI assistant made up numbers for our site report.",
            "The assistant's answers are often just wrong.",
            "We asked the AI assistant for last month's SLA breaches and it invented some.",
            "The AI summaries get basic facts wrong.",
            "The assistant hallucinates fields that don't exist.",
            "The AI answers sound right but are wrong half the time.",
        ],
        details=[
            "It cites reports that don't exist.",
            "When you ask it for the source it can't give one.",
            "It mixed up two of our sites.",
        ],
        impacts=[
            "We had to tell the team not to use it.",
            "A manager almost sent wrong numbers to the board.",
            "It undermines trust in the rest of the product.",
        ],
        requests=[
            "We need the AI assistant to show where its answers come from.",
            "Please add a way to turn off the AI assistant for our workspace.",
            "I wish the assistant said it doesn't know instead of guessing.",
            "It would be great if AI answers linked to the underlying report.",
        ],
        insights=[
            "AI assistant errors undermine trust in the product's numbers.",
            "The AI assistant's confident wrong answers are a new source of frustration.",
        ],
        needs=[
            "Customers want sources and an off switch for the AI assistant.",
            "Team asked for the assistant to admit uncertainty instead of guessing.",
        ],
        observations=[
            "Practitioner asked the assistant for open incidents; it listed two that closed last month.",
            "Sponsor laughed at an AI summary that named the wrong site manager.",
        ],
        tickets=[
            "AI assistant returned incorrect SLA numbers for last month.",
            "Assistant summary references a report that does not exist.",
            "AI assistant answer contradicts the dashboard, which one is right?",
        ],
        actions=["Send the AI assistant examples to the ML team", "Share the admin setting that limits the assistant"],
        foreign=[
            ("es", "El nuevo asistente de IA da respuestas incorrectas.", 0),
            ("de", "Der neue KI-Assistent erfindet einfach Zahlen.", 0),
        ],
    ),
]
