"""``python -m customer_activation.campaigns.report --db ... --out ...``: see
:mod:`customer_activation.campaigns.report.render`."""
import sys

from customer_activation.campaigns.report.render import main

sys.exit(main())
