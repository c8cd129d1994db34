// What the webview remembers across tab switches (vscode.setState / getState): the view, the tool settings and a
// polygon being drawn. The mask always comes from the host. Pure: getState returns whatever was stored, possibly by an older
// version, so every field is checked and defaulted.
import { clampBrushSize } from './brushFootprint';
import { COMPARE_LAYERS, type CompareLayer } from './compareLayers';
import { MAX_STROKE_POINTS } from './strokeSession';

export type Tool = 'brush' | 'eraser' | 'fill' | 'polygon' | 'polygonErase';

export const TOOLS: readonly Tool[] = ['brush', 'eraser', 'fill', 'polygon', 'polygonErase'];

export interface ViewState {
  /** Which image the zoom and pan belong to (name and size); another image starts fitted. */
  imageKey: string;
  zoom: number;
  panX: number;
  panY: number;
  tool: Tool;
  brushSize: number;
  classIndex: number;
  /** Overlay opacity 0..1. */
  opacity: number;
  showMask: boolean;
  outline: boolean;
  showUncertain: boolean;
  /** Uncertain band, probability x 255: low < p < high. */
  bandLow: number;
  bandHigh: number;
  /** Remove islands smaller than this many pixels. */
  islandMinArea: number;
  /** An unfinished polygon of the image `imageKey` names (a tab switch rebuilds the page): flat x, y vertices. */
  polygon: PolygonState | null;
  /** Compare mode's overlay layer. */
  compareLayer: CompareLayer;
}

export interface PolygonState {
  readonly imageKey: string;
  readonly classIndex: number;
  readonly points: readonly number[];
  /** Begun at the keyboard crosshair: Enter adds points, Shift+Enter closes (absent in older states: clicks). */
  readonly byKeyboard?: boolean;
}

export const DEFAULT_VIEW_STATE: Readonly<ViewState> = {
  imageKey: '',
  zoom: 0,
  panX: 0,
  panY: 0,
  tool: 'brush',
  brushSize: 16,
  classIndex: 1,
  opacity: 0.5,
  showMask: true,
  outline: false,
  showUncertain: false,
  bandLow: 77,
  bandHigh: 178,
  islandMinArea: 64,
  polygon: null,
  compareLayer: 'errors',
};

export const MAX_ISLAND_AREA = 1_000_000;

export function imageKeyOf(name: string, width: number, height: number): string {
  return `${name}|${width}x${height}`;
}

/** A well-formed ViewState from whatever getState returned. */
export function sanitizeViewState(stored: unknown): ViewState {
  const d = DEFAULT_VIEW_STATE;
  if (typeof stored !== 'object' || stored === null) return { ...d };
  const s = stored as Record<string, unknown>;
  const bandLow = byte(s.bandLow, d.bandLow);
  const bandHigh = byte(s.bandHigh, d.bandHigh);
  return {
    imageKey: typeof s.imageKey === 'string' ? s.imageKey : d.imageKey,
    zoom: finite(s.zoom, d.zoom, 0, 64),
    panX: finite(s.panX, d.panX, -1e7, 1e7),
    panY: finite(s.panY, d.panY, -1e7, 1e7),
    tool: TOOLS.includes(s.tool as Tool) ? (s.tool as Tool) : d.tool,
    brushSize: typeof s.brushSize === 'number' ? clampBrushSize(s.brushSize) : d.brushSize,
    classIndex: Number.isInteger(s.classIndex) && (s.classIndex as number) >= 1 && (s.classIndex as number) <= 255 ? (s.classIndex as number) : d.classIndex,
    opacity: finite(s.opacity, d.opacity, 0, 1),
    showMask: typeof s.showMask === 'boolean' ? s.showMask : d.showMask,
    outline: typeof s.outline === 'boolean' ? s.outline : d.outline,
    showUncertain: typeof s.showUncertain === 'boolean' ? s.showUncertain : d.showUncertain,
    bandLow: Math.min(bandLow, bandHigh),
    bandHigh: Math.max(bandLow, bandHigh),
    islandMinArea: Number.isInteger(s.islandMinArea) ? Math.min(MAX_ISLAND_AREA, Math.max(1, s.islandMinArea as number)) : d.islandMinArea,
    polygon: polygonState(s.polygon),
    compareLayer: typeof s.compareLayer === 'string' && Object.hasOwn(COMPARE_LAYERS, s.compareLayer) ? (s.compareLayer as CompareLayer) : d.compareLayer,
  };
}

function polygonState(value: unknown): PolygonState | null {
  if (typeof value !== 'object' || value === null) return null;
  const { imageKey, classIndex, points, byKeyboard } = value as Record<string, unknown>;
  if (typeof imageKey !== 'string' || !Number.isInteger(classIndex) || (classIndex as number) < 0 || (classIndex as number) > 255) return null;
  if (!Array.isArray(points) || points.length < 2 || points.length % 2 !== 0 || points.length > 2 * MAX_STROKE_POINTS) return null;
  if (!points.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  return { imageKey, classIndex: classIndex as number, points: points as number[], ...(byKeyboard === true ? { byKeyboard: true } : {}) };
}

function finite(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function byte(value: unknown, fallback: number): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 255 ? (value as number) : fallback;
}
