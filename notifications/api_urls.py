from rest_framework.routers import SimpleRouter

from .api import NotificationViewSet

# Ids through the <id:> converter: junk and out-of-range ids never reach a view (404 JSON).
router = SimpleRouter(use_regex_path=False)
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
