from rest_framework.routers import SimpleRouter

from .api import AttachmentViewSet, TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = router.urls
