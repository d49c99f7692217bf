from django.urls import path

from forecasts.pages import badges, feeds, search, views

urlpatterns = [
    path("", views.home, name="home"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    path("authors/<slug:slug>/badge.svg", badges.author_badge, name="author-badge"),
    path("questions/", views.question_list, name="question-list"),
    path("questions/<slug:slug>/", views.question_detail, name="question-detail"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("topics/", views.tag_list, name="tag-list"),
    path("topics/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("topics/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("feed/resolved/", feeds.ResolvedFeed(), name="feed-resolved"),
    path("feed/resolved/atom/", feeds.ResolvedAtomFeed(), name="feed-resolved-atom"),
    path("search/", search.search, name="search"),
    path("about/scoring/", views.about_scoring, name="about-scoring"),
]
