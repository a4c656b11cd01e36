using System.Text.Json;
using System.Text.Json.Serialization;

namespace RouteGuide.Core.Statistics;

/// <summary>
/// Reads a coordinate in E7 units, which must be a JSON integer that fits in 32 bits; anything else fails with
/// a message in the file's terms ("must be a whole number, found the string "north"") instead of a .NET type name.
/// </summary>
internal sealed class WholeNumberJsonConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt32(out var value))
            {
                return value;
            }

            var number = JsonProblem.Describe(ref reader);
            throw new JsonException(reader.TryGetDecimal(out var exact) && decimal.Truncate(exact) == exact
                ? $"is too large: {number}; coordinates are in E7 units (degrees × 10^7)"
                : $"must be a whole number in E7 units (degrees × 10^7), found {number}");
        }

        throw new JsonException($"must be a whole number in E7 units (degrees × 10^7), found {JsonProblem.Describe(ref reader)}");
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value);
    }
}
