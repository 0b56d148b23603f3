"""What registrations tells the apps above it (payments, surveys), which it does not import.

Both signals are sent inside the service's transaction, with the rows locked: a receiver's
writes commit or roll back with the registration's own.
"""

from django.dispatch import Signal

# A paid registration now holds seats it must pay for: `registration` (not saved yet when it is
# new; the receiver sets `hold_expires_at` on it), `offered` (True: promoted from the waiting list).
payment_due = Signal()

# A registration was cancelled: `registration` (already saved as cancelled) and
# `previous_status`, the status it had before.
registration_cancelled = Signal()

# Participants' survey consent ended (withdrawn at the manage link, or their data erased):
# `participant_ids`. The survey app withdraws their answers.
survey_consent_withdrawn = Signal()
