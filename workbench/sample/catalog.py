"""The planted themes and the fragment pools customer text is composed from.

Each theme has several registers: ``core`` (first-person statements), ``details`` and ``impacts``
(optional follow-up sentences), ``requests`` (requirements: "I wish…", "please add…"), ``decoys``
(sentences that look like requests but are not), ``insights``, ``needs`` (insights that are
requirements) and ``observations`` (written by a researcher), ``tickets`` (support-ticket style), ``foreign`` (non-English, with a requirement flag)
and ``actions`` (company follow-ups, never themed). ``{slot}`` placeholders are filled from
``slots``; ``{csm}`` is the account's customer success manager (a person's name, so PII).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .timeline import QUARTERS

STAGES = ("onboarding", "adoption", "support", "billing", "renewal")


@dataclass
class Theme:
    key: str
    label: str
    stage: str
    sentiment: str  # negative | positive
    lifecycle: str = "steady"  # steady | emerging | fading
    weight: float = 1.0
    trend: dict[str, float] = field(default_factory=dict)  # quarter -> multiplier (0 = absent)
    topics: list[str] = field(default_factory=list)
    slots: dict[str, list[str]] = field(default_factory=dict)
    core: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    impacts: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)
    insights: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # researcher-written requirements
    observations: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    csat: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    foreign: list[tuple[str, str, int]] = field(default_factory=list)  # (language, text, is_requirement)

    def weight_in(self, quarter: str) -> float:
        return self.weight * self.trend.get(quarter, 1.0)

    @property
    def quarters(self) -> list[str]:
        return [q for q in QUARTERS if self.weight_in(q) > 0]

    @property
    def negative(self) -> bool:
        return self.sentiment == "negative"


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
        key="confusing_onboarding", label="Confusing onboarding and setup", stage="onboarding", sentiment="negative",
        weight=1.0, trend={"2025Q3": 1.3, "2026Q2": 0.8},
        topics=["the onboarding", "the setup process", "getting started"],
        slots={
            "weeks": ["three weeks", "a month", "six weeks", "two months"],
            "step": ["the workspace setup", "importing our sites", "configuring the first workflows",
                     "mapping our data fields", "the setup checklist"],
        },
        core=[
            "Onboarding was confusing and nobody told us where to start.",
            "Getting set up took {weeks} longer than we were promised.",
            "{step} was really confusing.",
            "The setup wizard skips steps and leaves you guessing.",
            "Implementation was rough, too many steps and not enough guidance.",
            "The first month was painful, the getting-started docs don't match the product.",
            "We struggled to get started, the onboarding emails were generic and not helpful.",
            "Our kickoff went fine but {step} was a maze.",
        ],
        details=[
            "The videos show an old version of the screens.",
            "We had to figure out the order of steps ourselves.",
            "Half the team still doesn't know which settings matter.",
            "Nobody explained how sites, teams and workflows relate.",
        ],
        impacts=[
            "It delayed our rollout by {weeks}.",
            "We almost gave up before we saw any value.",
            "New hires still get lost in their first week.",
        ],
        requests=[
            "We need a proper step-by-step setup guide.",
            "I wish onboarding came with a checklist tailored to our industry.",
            "It would be great if the setup wizard let you import sites from a spreadsheet.",
            "Please add a sandbox so new admins can practice before going live.",
            "Missing an onboarding plan with clear milestones.",
            "We can't onboard new sites without calling support, which is a blocker.",
        ],
        insights=[
            "Customer could not find where to start; onboarding lacks a clear first step.",
            "Setup took {weeks} longer than planned because of confusing data mapping.",
            "New admins rely on the CSM for basic setup questions.",
            "The getting-started material is out of date with the current screens.",
        ],
        needs=[
            "Admins want a step-by-step setup guide tailored to their industry.",
            "Customer asked for a sandbox to practice the setup before going live.",
        ],
        observations=[
            "Admin hesitated on the workspace setup screen for over a minute, unsure which option to choose.",
            "Practitioner opened the help center three times while trying to finish {step}.",
            "The setup checklist was ignored; the admin jumped straight into workflows and got stuck.",
        ],
        tickets=[
            "How do I import our site list during setup? The wizard only accepts one at a time.",
            "Stuck on {step}, the guide mentions a button that does not exist.",
            "New workspace: not sure how teams and sites should be configured, please advise.",
        ],
        actions=["Send the updated setup checklist", "Book a guided setup session with the admin"],
        foreign=[
            ("es", "La puesta en marcha fue confusa, nadie nos explicó por dónde empezar.", 0),
            ("fr", "L'intégration a été compliquée, la documentation ne correspond pas à l'outil.", 0),
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
        key="billing_surprises", label="Billing surprises and confusing invoices", stage="billing",
        sentiment="negative", weight=0.9, trend={"2026Q1": 1.8, "2026Q2": 1.3},
        topics=["the invoices", "billing"],
        slots={
            "amount": ["$4,200", "$1,850", "almost $9k", "€3,100", "$12,000"],
            "what": ["seat overages", "an auto-upgrade", "extra sites", "a price change", "a prorated upgrade"],
        },
        core=[
            "We got a surprise invoice for {what}.",
            "The invoices are confusing, we can't tell what we're paying for.",
            "Billing charged us {amount} more than expected with no warning.",
            "Nobody told us about {what} until the invoice arrived.",
            "Billing is a mess, every invoice looks different.",
            "We were double charged last month and it took weeks to sort out.",
            "More surprise charges this quarter, this time for {what}.",
        ],
        details=[
            "The invoice doesn't break down charges by site.",
            "Finance had to chase the credit note three times.",
            "The usage numbers on the invoice don't match the admin page.",
        ],
        impacts=[
            "Finance now wants to review the contract before we add anyone.",
            "It really damaged trust with our procurement team.",
            "We've frozen adding new users because of it.",
        ],
        requests=[
            "We need a warning before we hit a seat overage.",
            "Please add a usage page that matches the invoice.",
            "I wish invoices were broken down by site and team.",
            "It would be great if billing sent a forecast before the invoice.",
            "We can't get a clear invoice per cost center, which is a blocker for finance.",
        ],
        insights=[
            "Surprise overage charges damage trust with finance and procurement.",
            "Invoices lack the breakdown finance needs for cost allocation.",
        ],
        needs=[
            "Finance needs invoices broken down by site and cost center.",
            "Customer asked for a warning before seat overages are charged.",
        ],
        observations=[
            "Sponsor pulled up last month's invoice and could not explain the line for {what}.",
            "Admin compared the usage page and the invoice; the seat counts differed.",
        ],
        tickets=[
            "Invoice shows charges for {what} we did not agree to.",
            "We were charged twice this month, please refund.",
            "Question about the {amount} overage on our latest invoice.",
            "Invoice total does not match the quote we signed.",
        ],
        actions=["Ask billing for an itemised invoice", "Review the seat count with finance"],
        foreign=[
            ("es", "Nos cobraron de más en la última factura sin ningún aviso.", 0),
            ("de", "Die Rechnung ist völlig unverständlich, überraschende Zusatzkosten.", 0),
        ],
    ),
    Theme(
        key="slow_support", label="Slow support response times", stage="support", sentiment="negative",
        weight=1.0, trend={"2025Q3": 1.4, "2025Q4": 1.3, "2026Q2": 0.7},
        topics=["support response times", "the support process"],
        slots={"days": ["three days", "a week", "five business days", "over two weeks", "48 hours"]},
        core=[
            "Support takes {days} to answer a simple question.",
            "Tickets sit for {days} before anyone replies.",
            "Support is slow and we keep getting bounced between agents.",
            "Getting a real answer from support takes forever.",
            "Our ticket was passed around for {days} before someone owned it.",
            "Response times from support have gotten much worse.",
            "We waited {days} for a reply on a production issue.",
        ],
        details=[
            "The first reply is always a canned response.",
            "We had to explain the problem again to every new agent.",
            "Escalating doesn't seem to change anything.",
        ],
        impacts=[
            "We've stopped opening tickets and just work around problems.",
            "It makes every outage twice as painful.",
            "Our admins dread having to contact support.",
        ],
        requests=[
            "We need a faster response for production issues.",
            "Please add live chat for admins.",
            "I wish tickets had a named owner from the start.",
            "It would be great if support gave an ETA on every ticket.",
            "Missing a way to flag a ticket as urgent.",
        ],
        insights=[
            "Slow first responses push admins to work around problems instead of reporting them.",
            "Tickets bounce between agents, so customers repeat themselves.",
        ],
        needs=[
            "Admins want a named ticket owner and an ETA on every ticket.",
            "Customer asked for a way to flag production issues as urgent.",
        ],
        observations=[
            "Admin showed a ticket open for {days} with only an automated reply.",
            "Practitioner said she no longer files tickets and asks the CSM directly instead.",
        ],
        tickets=[
            "Following up again, no response on my previous ticket for {days}.",
            "Still waiting for an answer, please escalate.",
            "Third time asking about this, who owns this ticket?",
        ],
        csat=[
            "Took {days} to get a reply.",
            "Slow response, had to chase twice.",
            "Passed between three agents, nobody owned it.",
            "Way too long to resolve.",
            "Fixed eventually but it took {days}.",
            "Nobody replied for {days}.",
            "Had to escalate through our CSM to get any answer.",
            "Canned replies until I called.",
        ],
        actions=["Escalate the open tickets to the support lead", "Review response times with the support team"],
        foreign=[
            ("es", "El soporte tarda días en responder.", 0),
            ("fr", "Le support met une semaine à répondre, c'est beaucoup trop long.", 0),
        ],
    ),
    Theme(
        key="sso_permissions", label="SSO and permission headaches", stage="onboarding", sentiment="negative",
        weight=0.8,
        topics=["SSO", "permissions", "user access"],
        slots={
            "idp": ["Okta", "Azure AD", "Google Workspace", "OneLogin"],
            "role": ["site leads", "contractors", "read-only viewers", "regional managers"],
        },
        core=[
            "SSO with {idp} breaks every time we add a new group.",
            "Permissions are way too coarse, we can't restrict {role} to their own sites.",
            "Setting up SSO took weeks and it still logs people out.",
            "User provisioning from {idp} doesn't work reliably.",
            "The permission model is confusing, nobody knows who can see what.",
            "People get locked out when the SSO session expires.",
            "Role management is painful for {role}.",
        ],
        details=[
            "SCIM provisioning creates duplicate users.",
            "Removing someone doesn't revoke their access right away.",
            "Every new site means editing permissions by hand.",
        ],
        impacts=[
            "Security won't approve the wider rollout until this is fixed.",
            "Admins spend hours a month on access requests.",
            "We had to give some {role} more access than they should have.",
        ],
        requests=[
            "We need site-level permissions.",
            "Please add SCIM group sync for {idp}.",
            "I wish we could create custom roles.",
            "It would be great if SSO errors told the user what to do.",
            "We can't pass our security review without audit logs, which is a blocker.",
            "Missing a read-only role for {role}.",
        ],
        insights=[
            "Coarse permissions block the rollout to {role}.",
            "SSO setup issues delay security approval for a wider rollout.",
        ],
        needs=[
            "Security needs audit logs before approving the wider rollout.",
            "Admin asked for site-level permissions and custom roles.",
        ],
        observations=[
            "Admin clicked through four screens to change one user's access.",
            "A practitioner was logged out mid-session by an SSO timeout.",
        ],
        tickets=[
            "SSO login loop with {idp} for users in the new group.",
            "Need to restrict {role} to their own sites, how?",
            "SCIM provisioning from {idp} creating duplicate accounts.",
            "User removed in {idp} still has access.",
        ],
        actions=["Send the SCIM setup notes to the admin", "Confirm the custom roles timeline with product"],
        foreign=[
            ("de", "Die Rechteverwaltung ist zu grob, wir brauchen Rollen pro Standort.", 1),
            ("fr", "La connexion SSO avec {idp} plante régulièrement.", 0),
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
        key="renewal_pricing", label="Renewal price increases", stage="renewal", sentiment="negative",
        weight=0.6, trend={"2026Q1": 1.5, "2026Q2": 1.6},
        topics=["the renewal", "pricing"],
        slots={"pct": ["20%", "35%", "almost 40%", "25%"]},
        core=[
            "Our renewal quote went up {pct} with no new value.",
            "The price increase at renewal is hard to justify.",
            "Renewal pricing came as a shock.",
            "We're being pushed into a bigger plan at renewal.",
            "The new pricing tiers don't fit a company our size.",
            "At renewal the discount we negotiated just disappeared.",
        ],
        details=[
            "We only heard about it thirty days before the contract ended.",
            "The packaging changed and features we use moved to a higher tier.",
            "Competitors are quoting us half the price.",
        ],
        impacts=[
            "We're evaluating alternatives before we sign.",
            "Procurement wants a full review now.",
            "It's hard to justify the spend to our CFO.",
        ],
        requests=[
            "We need pricing that scales with actual usage.",
            "I wish renewal quotes came with at least 90 days notice.",
            "It would be great if we could keep our current plan for another year.",
            "Please add a mid-tier plan for teams our size.",
        ],
        insights=[
            "A {pct} renewal uplift puts the account at risk.",
            "Sponsor questions the value relative to the renewal price.",
        ],
        needs=[
            "Sponsor wants pricing that scales with usage before renewing.",
            "Procurement asked for renewal quotes 90 days ahead.",
        ],
        observations=[
            "Sponsor had a competitor's quote open during the call.",
            "Procurement joined unexpectedly to discuss the renewal price.",
        ],
        tickets=[
            "Question about our renewal quote, the price went up {pct}.",
            "Need a breakdown of the new pricing tiers before renewal.",
        ],
        actions=["Prepare a renewal options summary", "Set up a pricing call with the account executive"],
        foreign=[
            ("fr", "Le prix du renouvellement a augmenté de {pct}, c'est trop.", 0),
            ("de", "Die Preiserhöhung bei der Verlängerung ist nicht nachvollziehbar.", 0),
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
    Theme(
        key="helpful_csm_support", label="Helpful CSM and support people", stage="support", sentiment="positive",
        weight=1.2, trend={"2026Q1": 1.2, "2026Q2": 1.3},
        topics=["working with the CSM team", "the customer success team"],
        core=[
            "Our CSM is fantastic, always quick to help.",
            "{csm} has been an amazing partner for our team.",
            "The customer success team really knows our business.",
            "Support agents are patient and actually understand the product.",
            "Great people, every call with the CSM team is useful.",
            "Our account manager goes above and beyond.",
            "Whenever we get stuck the success team has an answer the same day.",
        ],
        details=[
            "They set up a training session for our new site leads without being asked.",
            "{csm} checks in every month with useful tips.",
            "They remember our setup and don't make us repeat ourselves.",
        ],
        impacts=[
            "It's a big reason we renewed.",
            "Honestly it's the best vendor relationship we have.",
            "Our team feels looked after.",
        ],
        requests=[
            "I wish we could get the same CSM for our European sites.",
            "It would be great to have quarterly business reviews with the CSM team.",
        ],
        decoys=[
            "I can't praise the team enough.",
            "I wish every vendor were this easy to work with.",
            "Please keep {csm} on our account!",
            "Nothing missing on the people side, they're great.",
        ],
        insights=[
            "The CSM relationship is a key reason the account renews.",
            "Customer values proactive check-ins from the success team.",
        ],
        needs=[
            "Sponsor asked for quarterly business reviews with the CSM team.",
        ],
        observations=[
            "Sponsor mentioned {csm} by name three times as the reason they stay.",
            "Practitioner had the CSM's training notes pinned next to her monitor.",
        ],
        csat=[
            "Agent was super patient and walked me through it.",
            "Quick, friendly and knew exactly what to do.",
            "Great help from the support team, thanks!",
            "{csm} sorted it out in one call.",
            "Really helpful agent, explained everything clearly.",
            "The agent knew our setup and didn't make me repeat anything.",
            "Friendly and knowledgeable, thank you {csm}!",
            "Best support experience I've had with a vendor.",
            "Kind, patient and followed up the next day.",
            "Lovely person on the chat, solved it in minutes.",
        ],
        actions=["Schedule the next quarterly review", "Share the new site lead training deck"],
        foreign=[
            ("es", "Nuestro CSM es fantástico, siempre nos ayuda rápido.", 0),
            ("de", "Das Customer-Success-Team ist super hilfsbereit.", 0),
            ("fr", "L'équipe support est très sympathique et compétente.", 0),
        ],
    ),
    Theme(
        key="ease_of_use", label="Easy to use", stage="adoption", sentiment="positive",
        weight=1.3,
        topics=["the interface", "day-to-day usability"],
        core=[
            "Super easy to use, the team picked it up in a day.",
            "The interface is clean and intuitive.",
            "Very user friendly, even our least technical staff use it.",
            "Simple to learn and simple to use.",
            "It's just easy, nobody needed training.",
            "The UI is straightforward and gets out of the way.",
            "Easy to navigate and everything is where you expect it.",
        ],
        details=[
            "Our site leads figured out workflows without any help.",
            "Drag and drop for everything.",
            "The new layout made it even simpler.",
        ],
        impacts=[
            "Adoption across our sites was faster than any tool we've rolled out.",
            "We barely needed to train anyone.",
        ],
        requests=[
            "It would be great if the admin settings were this simple too.",
            "Please add keyboard shortcuts for power users.",
        ],
        decoys=[
            "Nothing missing, it does what we need.",
            "Can't think of anything I'd change.",
            "We can't imagine going back to the old way.",
        ],
        insights=[
            "Ease of use drives fast adoption across sites.",
            "Non-technical staff adopt the product without training.",
        ],
        needs=[
            "Power users asked for keyboard shortcuts.",
        ],
        observations=[
            "Practitioner built a new workflow during the call without asking for help.",
            "A new hire found the right screen on the first try.",
        ],
        foreign=[
            ("es", "Muy fácil de usar, el equipo lo aprendió en un día.", 0),
            ("fr", "Très facile à utiliser, l'interface est claire.", 0),
            ("de", "Sehr einfach zu bedienen und intuitiv.", 0),
        ],
    ),
    Theme(
        key="automation_time_savings", label="Automations save time", stage="adoption", sentiment="positive",
        weight=1.0, trend={"2026Q1": 1.2, "2026Q2": 1.3, "2026Q3": 1.2},
        topics=["the automations", "the workflow rules"],
        slots={
            "hours": ["five hours", "a full day", "ten hours", "a couple of hours"],
            "task": ["shift handovers", "weekly audits", "incident follow-ups", "inventory checks",
                     "recurring inspections"],
        },
        core=[
            "The workflow automations save us {hours} a week.",
            "Automating {task} was a game changer.",
            "Automations handle all the busywork we used to do by hand.",
            "Recurring tasks just happen now, no more chasing people.",
            "Automated reminders mean {task} actually get done on time.",
            "We automated {task} in an afternoon.",
        ],
        details=[
            "Triggers and approvals cover nearly everything we need.",
            "The automation templates got us started quickly.",
        ],
        impacts=[
            "Our supervisors finally have time for actual supervision.",
            "We've cut overtime noticeably.",
            "It paid for itself in the first quarter.",
        ],
        requests=[
            "Please add more automation templates for {task}.",
            "I wish automations could run on a different schedule per site.",
        ],
        decoys=[
            "We can't imagine going back to spreadsheets.",
            "It would be hard to run our sites without the automations.",
        ],
        insights=[
            "Automations free up {hours} a week per site for supervisors.",
            "Automated {task} is the most valued workflow.",
        ],
        needs=[
            "Supervisors want more automation templates for {task}.",
        ],
        observations=[
            "Supervisor showed the automation that replaced their {task} spreadsheet.",
            "The team lead proudly walked through the reminder rules they built.",
        ],
        foreign=[
            ("es", "Las automatizaciones nos ahorran horas cada semana.", 0),
            ("de", "Die Automatisierungen sparen uns jede Woche viel Zeit.", 0),
        ],
    ),
    Theme(
        key="ops_visibility", label="Visibility across sites", stage="adoption", sentiment="positive",
        weight=0.9, trend={"2026Q2": 1.2},
        topics=["the cross-site view", "the site overview"],
        core=[
            "For the first time we can see every site in one place.",
            "It's become our single source of truth for operations.",
            "Leadership loves having real-time visibility into all the sites.",
            "We finally know what's happening across our locations without calling around.",
            "The visibility it gives us across regions is fantastic.",
            "Everyone works from the same numbers now.",
        ],
        details=[
            "Our morning stand-up runs off it.",
            "Regional managers compare sites side by side.",
        ],
        impacts=[
            "We spot problems days earlier than before.",
            "It ended the weekly email chains of status updates.",
        ],
        requests=[
            "It would be great to share a read-only view with our clients.",
            "I wish we could add our suppliers' sites too.",
        ],
        decoys=[
            "I wish we had bought it years ago.",
            "Please never take away the site overview!",
        ],
        insights=[
            "Cross-site visibility is the core value for leadership.",
            "The product became the team's single source of truth.",
        ],
        needs=[
            "Leadership wants a read-only view to share with clients.",
        ],
        observations=[
            "Sponsor opened the site overview first thing and walked through each region.",
            "Regional manager compared two sites side by side to explain a backlog.",
        ],
        foreign=[
            ("fr", "Nous avons enfin une vue claire sur tous nos sites.", 0),
            ("es", "Por fin vemos todas las sedes en un solo lugar.", 0),
        ],
    ),
]

THEME_BY_KEY = {t.key: t for t in THEMES}
EMERGING = [t.key for t in THEMES if t.lifecycle == "emerging"]
FADING = [t.key for t in THEMES if t.lifecycle == "fading"]
