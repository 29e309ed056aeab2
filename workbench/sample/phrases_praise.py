"""Praise: the people, ease of use, automations, visibility. Fragment pools; see ``theme.py`` for the registers."""
from __future__ import annotations

from .theme import Theme

THEMES = [
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
