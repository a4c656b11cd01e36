using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>How a language's reference RouteGuide server adds up a route's distance.</summary>
internal enum DistanceRounding
{
    /// <summary>Each segment is truncated to whole metres before it is added (Go).</summary>
    TruncateEachSegment,

    /// <summary>Segments are added as doubles and the total is truncated once (Python, Node, and ours).</summary>
    TruncateTotalOnce,
}

/// <summary>What a language's reference RouteGuide server does with a distance past <see cref="int.MaxValue"/> metres.</summary>
internal enum DistanceOverflow
{
    /// <summary>The int32 wraps to a wrong, often negative, number (Go's int32 sum, Node's <c>| 0</c>).</summary>
    Wraps,

    /// <summary>The call fails: Python's protobuf refuses the value, so the status is <c>UNKNOWN</c>.</summary>
    FailsTheCall,
}

/// <summary>
/// The behaviour of one language's reference RouteGuide server where the references differ, and the
/// answers that follow from it, computed here independently from our <see cref="Haversine"/> so that a
/// test can require a peer's numbers exactly.
/// </summary>
/// <param name="Language">The language of the reference example.</param>
/// <param name="Rounding">How the distance is rounded.</param>
/// <param name="Overflow">What happens past int32 metres.</param>
/// <param name="CountsUnnamedFeatures">Whether a point on an unnamed catalog entry counts as a feature.</param>
/// <param name="ChatRepliesIncludeTheNewNote">Whether RouteChat answers a note with itself too.</param>
/// <param name="ChatNotesOutliveTheCall">Whether RouteChat's notes are shared by all calls (else each call sees only its own).</param>
internal sealed record ReferenceServer(
    string Language,
    DistanceRounding Rounding,
    DistanceOverflow Overflow,
    bool CountsUnnamedFeatures,
    bool ChatRepliesIncludeTheNewNote,
    bool ChatNotesOutliveTheCall)
{
    /// <summary>grpc-go's examples/route_guide/server.</summary>
    public static ReferenceServer Go { get; } = new("Go", DistanceRounding.TruncateEachSegment, DistanceOverflow.Wraps, CountsUnnamedFeatures: true, ChatRepliesIncludeTheNewNote: true, ChatNotesOutliveTheCall: true);

    /// <summary>grpc's examples/python/route_guide server.</summary>
    public static ReferenceServer Python { get; } = new("Python", DistanceRounding.TruncateTotalOnce, DistanceOverflow.FailsTheCall, CountsUnnamedFeatures: true, ChatRepliesIncludeTheNewNote: false, ChatNotesOutliveTheCall: false);

    /// <summary>grpc-node's examples/routeguide server.</summary>
    public static ReferenceServer Node { get; } = new("Node", DistanceRounding.TruncateTotalOnce, DistanceOverflow.Wraps, CountsUnnamedFeatures: false, ChatRepliesIncludeTheNewNote: false, ChatNotesOutliveTheCall: true);

    /// <summary>The route's length with every segment truncated to whole metres first (Go's rule).</summary>
    public static long TruncatedPerSegment(IReadOnlyList<Point> route) =>
        Segments(route).Sum(metres => (long)metres);

    /// <summary>The route's length summed as doubles, in order, and truncated once (Python's and Node's rule).</summary>
    public static long TruncatedOnce(IReadOnlyList<Point> route)
    {
        var total = 0.0;
        foreach (var metres in Segments(route))
        {
            total += metres;
        }

        return (long)total;
    }

    /// <summary>The distance this server computes before it is stored in the summary's int32.</summary>
    public long UnboundedDistance(IReadOnlyList<Point> route) =>
        Rounding == DistanceRounding.TruncateEachSegment ? TruncatedPerSegment(route) : TruncatedOnce(route);

    /// <summary>The summary's distance, or <see langword="null"/> when the server fails the call instead.</summary>
    public int? SummaryDistance(IReadOnlyList<Point> route)
    {
        var distance = UnboundedDistance(route);
        if (distance <= int.MaxValue)
        {
            return (int)distance;
        }

        return Overflow == DistanceOverflow.Wraps ? unchecked((int)distance) : null;
    }

    /// <summary>The points of the route that this server counts as features (the catalog's locations are distinct).</summary>
    public int FeatureCount(IReadOnlyList<Point> route, FeatureCatalog catalog) =>
        route.Count(point => catalog.TryGetFeature(new GeoPoint(point.Latitude, point.Longitude), out var feature)
            && (CountsUnnamedFeatures || feature.IsNamed));

    /// <summary>
    /// The messages RouteChat answers, one list per call, when <paramref name="calls"/> are made one after
    /// another on a fresh server, each sending its notes in order.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> ChatReplies(IEnumerable<IReadOnlyList<RouteNote>> calls)
    {
        var shared = new List<RouteNote>();
        var replies = new List<IReadOnlyList<string>>();
        foreach (var call in calls)
        {
            var seen = ChatNotesOutliveTheCall ? shared : [];
            var answered = new List<string>();
            foreach (var note in call)
            {
                answered.AddRange(seen.Where(earlier => earlier.Location.Equals(note.Location)).Select(earlier => earlier.Message));
                if (ChatRepliesIncludeTheNewNote)
                {
                    answered.Add(note.Message);
                }

                seen.Add(note);
            }

            replies.Add(answered);
        }

        return replies;
    }

    private static IEnumerable<double> Segments(IReadOnlyList<Point> route) =>
        route.Zip(route.Skip(1), (from, to) => Haversine.DistanceMetres(new GeoPoint(from.Latitude, from.Longitude), new GeoPoint(to.Latitude, to.Longitude)));
}
