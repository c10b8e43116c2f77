namespace PointsEngine.Domain.Members;

/// Copy-on-write edits of the small arrays a member state is made of (years, a year's facts and lines):
/// the state is immutable, so an edit builds a new array of one more or one fewer item.
internal static class SortedArrays
{
    /// A copy of <paramref name="items"/> with <paramref name="item"/> inserted at <paramref name="at"/>.
    public static T[] Inserted<T>(T[] items, int at, T item)
    {
        var result = new T[items.Length + 1];
        Array.Copy(items, result, at);
        result[at] = item;
        Array.Copy(items, at, result, at + 1, items.Length - at);
        return result;
    }

    /// A copy of <paramref name="items"/> without the item at <paramref name="at"/>.
    public static T[] Removed<T>(T[] items, int at)
    {
        var result = new T[items.Length - 1];
        Array.Copy(items, result, at);
        Array.Copy(items, at + 1, result, at, items.Length - at - 1);
        return result;
    }
}
