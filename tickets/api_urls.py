from rest_framework.routers import SimpleRouter

from .api import AttachmentViewSet, TicketViewSet

# Ids through the <id:> converter: junk and out-of-range ids never reach a view (404 JSON).
router = SimpleRouter(use_regex_path=False)
router.register("tickets", TicketViewSet, basename="ticket")
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = router.urls
