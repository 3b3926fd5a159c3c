"""customer_activation: the Python side of the customer-activation dbt project.

Modules are plain functions and scikit-learn-style estimators that dbt Python models
call as thin wrappers; every module is testable with pytest without dbt.
"""

__version__ = "0.1.0"
