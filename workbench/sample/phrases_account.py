"""Account pain: onboarding, access, billing, support and renewal. Fragment pools; see ``theme.py`` for the registers."""
from __future__ import annotations

from .theme import Theme

THEMES = [
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
]
