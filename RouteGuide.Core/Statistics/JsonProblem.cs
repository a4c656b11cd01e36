using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RouteGuide.Core.Statistics;

/// <summary>
/// Says why a JSON file that should hold an array of entries (the points of a route, the features of a catalog)
/// could not be read, in the file's terms: "the file is empty", "expected an array of points, found an object",
/// "entry 2: longitude is missing", never a .NET type name or a parser's internals.
/// </summary>
internal static class JsonProblem
{
    private const int LongestQuotedString = 40;

    /// <summary>The reader options of the entry files: comments and trailing commas allowed, as the serializer's.</summary>
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>What a file of entries holds, in words, for messages.</summary>
    /// <param name="Array">The whole file, e.g. <c>an array of points</c>.</param>
    /// <param name="Entry">One entry, e.g. <c>an object such as {"latitude":1,"longitude":2}</c>.</param>
    /// <param name="Fields">What each field of an entry that is not a coordinate holds, by its path within the entry, e.g. <c>name</c>: <c>a string</c>.</param>
    internal sealed record Shape(string Array, string Entry, IReadOnlyDictionary<string, string> Fields);

    /// <summary>A problem found in the file: the entry it is about, when it is about one, and what is wrong.</summary>
    /// <param name="Entry">The zero-based index of the entry, when the problem is in one.</param>
    /// <param name="Problem">What is wrong, without a full stop.</param>
    /// <param name="HasPosition">Whether the parser's line and byte position point at the problem (not for an empty file).</param>
    internal readonly record struct Finding(int? Entry, string Problem, bool HasPosition = true);

    /// <summary>Describes why <paramref name="exception"/> stopped the serializer reading <paramref name="json"/>.</summary>
    /// <param name="exception">The serializer's exception.</param>
    /// <param name="json">The whole file, to say what was found where something else was expected; <see langword="null"/> when it cannot be read again.</param>
    /// <param name="shape">What the file should hold.</param>
    /// <returns>The entry and the problem.</returns>
    public static Finding Describe(JsonException exception, byte[]? json, Shape shape)
    {
        var path = exception.Path ?? "$";
        var entry = EntryIndexOf(path);
        var field = FieldOf(path);
        var message = WithoutPosition(exception.Message);

        if (exception.InnerException is InvalidOperationException { Message: var transcoding } && transcoding.Contains("UTF-8", StringComparison.Ordinal))
        {
            return new(entry, field.Length == 0 ? "invalid JSON: the text is not valid UTF-8" : $"invalid JSON: {field} is not valid UTF-8 text");
        }

        var converting = message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal);
        if (exception.InnerException is not null && !converting)
        {
            // The reader's own errors are about JSON syntax, in JSON's terms, apart from these two.
            if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
            {
                return new(null, $"the file is empty; expected {shape.Array}", HasPosition: false);
            }

            if (message.StartsWith("Expected depth to be zero", StringComparison.Ordinal))
            {
                return new(null, "invalid JSON: the file ends before every array and object in it is closed");
            }

            return new(null, $"invalid JSON: {message}");
        }

        const string MissingProperties = "missing required properties including: ";
        var missing = message.IndexOf(MissingProperties, StringComparison.Ordinal);
        if (missing >= 0)
        {
            var names = message[(missing + MissingProperties.Length)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(name => Join(field, name.Trim('\'', '.')))
                .ToArray();
            return new(entry, names.Length == 1 ? $"{names[0]} is missing" : $"{string.Join(" and ", names)} are missing");
        }

        if (converting)
        {
            var found = json is null ? null : FoundAt(json, entry, field);
            var expected = path == "$" ? $"expected {shape.Array}"
                : field.Length == 0 ? $"expected {shape.Entry}"
                : $"{field} must be {(shape.Fields.TryGetValue(field, out var kind) ? kind : "another kind of value")}";
            return new(entry, found is null ? expected : $"{expected}, found {found}");
        }

        // A converter's own message, such as WholeNumberJsonConverter's, is about the field it read.
        return new(entry, field.Length == 0 ? message : $"{field} {message}");
    }

    /// <summary>The value at the reader's position, as a message shows it: <c>an object</c>, <c>the string "north"</c>, <c>1.5</c>.</summary>
    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => $"the string {Quote(reader.GetString() ?? string.Empty)}",
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => reader.TokenType.ToString(),
    };

    /// <summary>What the file holds at its top level, at entry <paramref name="entry"/> of its array, or at <paramref name="field"/> of that entry; null when it cannot tell.</summary>
    private static string? FoundAt(byte[] json, int? entry, string field)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        var start = json.AsSpan().StartsWith(bom) ? bom.Length : 0;
        try
        {
            var reader = new Utf8JsonReader(json.AsSpan(start), ReaderOptions);
            if (!reader.Read())
            {
                return null;
            }

            if (entry is { } index && !(reader.TokenType == JsonTokenType.StartArray && ReadToItem(ref reader, index)))
            {
                return null;
            }

            foreach (var name in field.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!(reader.TokenType == JsonTokenType.StartObject && ReadToProperty(ref reader, name)))
                {
                    return null;
                }
            }

            return Describe(ref reader);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>From an array's start, reads to its item <paramref name="index"/>.</summary>
    private static bool ReadToItem(ref Utf8JsonReader reader, int index)
    {
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            if (i == index)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    /// <summary>From an object's start, reads to the value of its (last) property <paramref name="name"/>.</summary>
    private static bool ReadToProperty(ref Utf8JsonReader reader, string name)
    {
        var found = false;
        var depth = reader.CurrentDepth;
        var copy = reader;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name))
            {
                reader.Read();
                copy = reader;
                found = true;
            }

            reader.Skip();
        }

        reader = copy;
        return found;
    }

    private static string Quote(string value) =>
        $"\"{(value.Length > LongestQuotedString ? value[..LongestQuotedString] + "…" : value).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    private static string Join(string field, string name) => field.Length == 0 ? name : $"{field}.{name}";

    /// <summary>The serializer's message without the " Path: ... | LineNumber: ..." it appends; the position is reported separately.</summary>
    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return (cut < 0 ? message : message[..cut]).TrimEnd('.', ' ');
    }

    /// <summary>The entry index of a path such as <c>$[17].location.latitude</c>.</summary>
    private static int? EntryIndexOf(string path)
    {
        if (!path.StartsWith("$[", StringComparison.Ordinal))
        {
            return null;
        }

        var end = path.IndexOf(']', StringComparison.Ordinal);
        return end > 2 && int.TryParse(path.AsSpan(2, end - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    /// <summary>The field within the entry of a path such as <c>$[17].location.latitude</c>: <c>location.latitude</c>; empty for the entry itself.</summary>
    private static string FieldOf(string path)
    {
        var end = path.StartsWith("$[", StringComparison.Ordinal) ? path.IndexOf(']', StringComparison.Ordinal) : 0;
        return end >= 0 && end + 2 <= path.Length ? path[(end + 1)..].TrimStart('.') : string.Empty;
    }
}
