import { Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LIST_ENTRY_TYPES, LIST_NAMES } from '../../domain/list-match.js';
import { ListsService, type ListEntryView } from '../../lists/lists.service.js';
import { ApiKeyGuard, RequireScope, principalOf } from '../auth/api-key.guard.js';
import { ApiError } from '../errors/api-error.js';
import { ErrorSchema, PageMetaSchema } from '../http/assessments.dto.js';
import type { HttpRequest as Request, HttpResponse as Response } from '../http/http-types.js';
import { MAX_REASON_LENGTH, parseListPath, parseNewListEntry } from './list-entry.request.js';
import { pageMeta, parsePaging, type PageMeta } from '../http/paging.js';

export const LISTS_PATH = '/v1/lists';

class NewListEntrySchema {
  @ApiProperty({ enum: LIST_ENTRY_TYPES }) type!: string;
  @ApiProperty({ example: 'acc-42', description: 'as the event carries it (phoneNumber: E.164); stored only as a keyed hash' })
  value!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339, in the future; absent: until deleted' }) expiresAt?: string;
  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH, description: 'shown in listings; digit runs of 7+ are masked' }) reason?: string;
}

class ListEntrySchema {
  @ApiProperty({ enum: LIST_NAMES }) list!: string;
  @ApiProperty({ enum: LIST_ENTRY_TYPES }) type!: string;
  @ApiProperty({ example: '3f9a0c27d1e4', description: 'first 12 hex characters of the HMAC of the value; never the value' })
  valueHashPrefix!: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
  @ApiProperty({ example: 'ops', description: 'API key id' }) addedBy!: string;
}

class ListEntryPageSchema {
  @ApiProperty({ type: [ListEntrySchema], description: 'newest first; expired entries are gone' }) entries!: ListEntrySchema[];
  @ApiProperty({ type: PageMetaSchema }) meta!: PageMetaSchema;
}

/** The deny, allow and watch lists (scope admin). A change applies to the next event, on every replica sharing Redis. */
@ApiTags('lists')
@ApiBearerAuth()
@Controller('v1/lists')
@UseGuards(ApiKeyGuard)
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  @Put(':list/entries')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Add an entry (or replace the one with the same type and value): 201 when new, 200 when replaced' })
  @ApiBody({ type: NewListEntrySchema })
  @ApiResponse({ status: 201, type: ListEntrySchema })
  @ApiResponse({ status: 200, type: ListEntrySchema })
  @ApiResponse({ status: 400, type: ErrorSchema, description: 'unknown list, type, bad value, expiresAt or reason (per-field details)' })
  async put(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('list') list: string): Promise<ListEntryView> {
    if (!req.is(['application/json', 'application/*+json'])) {
      throw ApiError.validation([
        { field: '', code: 'PARAMETER_INVALID', message: 'the body must be JSON (Content-Type: application/json)' },
      ]);
    }
    const entry = parseNewListEntry(list, req.body, Date.now());
    const { entry: view, created } = await this.lists.add(entry, principalOf(req).keyId);
    res.status(created ? 201 : 200);
    return view;
  }

  @Get(':list/entries')
  @RequireScope('admin')
  @ApiOperation({ summary: 'The live entries of a list, newest first, paged (KORE meta-data); values never shown' })
  @ApiQuery({ name: 'page_size', required: false, description: '1-100, default 20' })
  @ApiQuery({ name: 'page_number', required: false, description: '1-based, default 1' })
  @ApiResponse({ status: 200, type: ListEntryPageSchema })
  async page(@Param('list') list: string, @Query() query: Record<string, unknown>): Promise<{ entries: ListEntryView[]; meta: PageMeta }> {
    const { list: name } = parseListPath({ list });
    const paging = parsePaging({ pageSize: query.page_size, pageNumber: query.page_number });
    const { items, total } = await this.lists.page(name, paging);
    return { entries: items, meta: pageMeta(`${LISTS_PATH}/${name}/entries`, paging, total) };
  }

  @Delete(':list/entries/:type/:value')
  @RequireScope('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the entry for this type and value (URL-encode the value: %2B for the + of a phone number)' })
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiResponse({ status: 404, type: ErrorSchema, description: 'No live entry for this type and value on the list' })
  async remove(@Req() req: Request, @Param() params: { list: string; type: string; value: string }): Promise<void> {
    const { list, type, value } = parseListPath(params);
    if (!(await this.lists.remove(list, type!, value!, principalOf(req).keyId))) {
      throw ApiError.notFound(`No such ${type} on the ${list} list (or it has expired)`);
    }
  }
}
