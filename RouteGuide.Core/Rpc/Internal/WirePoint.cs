namespace RouteGuide.Core.Rpc.Internal;

/// <summary>The two fields of a <c>Point</c> message as they came off the wire, unchecked.</summary>
/// <param name="Latitude">The latitude in E7 units.</param>
/// <param name="Longitude">The longitude in E7 units.</param>
internal readonly record struct WirePoint(int Latitude, int Longitude);
