namespace RouteGuide.Core.Statistics;

/// <summary>A feature catalog could not be loaded.</summary>
/// <remarks>
/// The message names the source (usually a file path), the entry and the problem; the properties carry
/// the same facts for programs.
/// </remarks>
public sealed class FeatureCatalogException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public FeatureCatalogException(string message)
        : base(message)
    {
        SourceName = string.Empty;
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FeatureCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = string.Empty;
    }

    /// <summary>Creates an exception describing a problem at a place in a catalog source.</summary>
    /// <param name="sourceName">The file path or other name of the source.</param>
    /// <param name="entryIndex">The zero-based index of the offending entry in the JSON array, when known.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="lineNumber">The zero-based JSON line, when the parser reported one.</param>
    /// <param name="bytePositionInLine">The zero-based byte position in that line, when the parser reported one.</param>
    /// <param name="innerException">The cause, if any.</param>
    public FeatureCatalogException(
        string sourceName,
        int? entryIndex,
        string problem,
        long? lineNumber = null,
        long? bytePositionInLine = null,
        Exception? innerException = null)
        : base(Compose(sourceName, entryIndex, problem, lineNumber, bytePositionInLine), innerException)
    {
        SourceName = sourceName;
        EntryIndex = entryIndex;
        Problem = problem;
        LineNumber = lineNumber;
        BytePositionInLine = bytePositionInLine;
    }

    /// <summary>The file path or other name of the catalog source; empty when not given.</summary>
    public string SourceName { get; }

    /// <summary>The zero-based index of the offending entry in the JSON array, when known.</summary>
    public int? EntryIndex { get; }

    /// <summary>What is wrong, without the source and position.</summary>
    public string? Problem { get; }

    /// <summary>The zero-based line of the JSON text where the parser stopped, when it reported one.</summary>
    public long? LineNumber { get; }

    /// <summary>The zero-based byte position within <see cref="LineNumber"/>, when the parser reported one.</summary>
    public long? BytePositionInLine { get; }

    private static string Compose(string sourceName, int? entryIndex, string problem, long? lineNumber, long? bytePosition)
    {
        var where = sourceName;
        if (lineNumber is { } line)
        {
            // Editors count lines and columns from 1; the parser counts from 0.
            where += $" (line {line + 1}, byte {(bytePosition ?? 0) + 1})";
        }

        var entry = entryIndex is { } index ? $"entry {index}: " : string.Empty;
        return $"Feature catalog {where}: {entry}{problem}";
    }
}
