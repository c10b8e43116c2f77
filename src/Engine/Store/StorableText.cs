namespace PointsEngine.Store;

/// Text every backend stores exactly. SQLite would keep U+0000 but PostgreSQL text cannot, and a lone
/// surrogate is not valid UTF-8: one backend would silently change it, another would fail the whole
/// group commit it shares with other callers.
internal static class StorableText
{
    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i)) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    public static bool IsStorable(string text) => !text.Contains('\0') && !HasLoneSurrogate(text);
}
